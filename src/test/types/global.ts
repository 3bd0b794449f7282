// tsc checks this as a page script using the global of <script src="/pushhub.js"> (no import: a script file).
/// <reference types="pushhub-client" />

const hub = PushHub.connect();
hub.on('state', (state) => { document.title = state + (hub.transport ? ' via ' + hub.transport : ''); });
// A block body: an expression body referring to room would make room's type circular (TS7022) in TypeScript.
const room = hub.subscribe('chat:lobby', { presence: (p) => { console.log(p.userId, p.event, room.presence()); } });
room.publish({ text: 'hello' }).then((ack) => console.log('sent', ack.messageId), (err: PushHub.PushHubError) => console.error(err.code, err.message));
const again: PushHub.Client = window.PushHub.connect({ transports: ['websocket'] });
again.close();

// @ts-expect-error an error's frame exists only for hub errors
hub.publish('x', 1).catch((err: PushHub.PushHubError) => err.frame.code);
