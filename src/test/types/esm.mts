// tsc checks this as an ES module user of the package (import): default and named exports, types by name.
import PushHub, { connect, PushHubError, type Client, type Subscription, type Ack, type SubscriptionState } from 'pushhub-client';

const hub: Client = PushHub.connect({ url: 'https://push.example.com/', token: async () => 'jwt', queueSize: 10, queueTimeout: 5000 });
const same: Client = connect({ transports: ['sse'] });
const room: Subscription<{ text: string }> = hub.subscribe<{ text: string }>('chat:lobby', {
  message: (data, frame) => console.log(frame.from, data.text.toUpperCase()),
  state: (state: SubscriptionState, detail) => console.log(state, detail.error?.code),
  error: (err) => console.log(err.code, err.frame?.message),
  expired: (frame) => console.log(frame.expiresAt, frame.data.text),
});
hub.on('expired', (frame) => console.log(frame.messageId, frame.expiresAt));
connect({ dropExpired: false, expiryGrace: 2000 });
const state: 'pending' | 'subscribing' | 'subscribed' | 'failed' | 'unsubscribed' = room.state;
room.publish({ text: 'hi' }).then((ack: Ack) => ack.messageId, (err: PushHubError) => {
  const code: string = err.code;
  if (err instanceof PushHubError && err.frame) console.log(err.frame.code);
  return code;
});
hub.on('error', (e) => console.log(e.code, e.message));
hub.on('state', (s, d) => console.log(s, d.attempt));
try { connect({}); } catch (e) { if (e instanceof PushHubError && e.code === 'no_transport') console.log(e.message); }
console.log(PushHub.version, same.state, state);

// @ts-expect-error an error's frame exists only for hub errors
console.log(hub.request({ type: 'ping' }).catch((e: PushHubError) => e.frame.code));
// @ts-expect-error there is no such transport
connect({ transports: ['carrier-pigeon'] });
// @ts-expect-error there is no such client state
if (hub.state === 'open') console.log('never');
// @ts-expect-error there is no such event
hub.on('conected', () => {});
// @ts-expect-error the message data has the subscription's type
room.on('message', (data) => data.txt);
// @ts-expect-error expiryGrace is a number of ms
connect({ expiryGrace: '2s' });
