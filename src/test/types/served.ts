// tsc checks this as a page script that downloaded the hub's /pushhub.d.ts next to it.
/// <reference path="pushhub.d.ts" />

const served: PushHub.Client = PushHub.connect({ url: 'https://push.example.com/' });
served.subscribe('news', { message: (data, frame) => console.log(data, frame.epoch) });
// @ts-expect-error subscribe needs a topic
served.subscribe();
