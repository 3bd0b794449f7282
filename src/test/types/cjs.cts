// tsc checks this as a CommonJS user of the package (require).
import PushHub = require('pushhub-client');

const hub: PushHub.Client = PushHub.connect({ url: 'http://localhost:9080/', WebSocket: class { constructor(url: string, protocols: string[]) { console.log(url, protocols); } } });
const news = hub.subscribe('news', (data, frame) => console.log(data, frame.messageId, frame.offset));
news.on('state', (s) => { if (s === 'failed') console.log(news.error?.code); });
hub.publish('chat:lobby', { text: 'hi' }).catch((err: PushHub.PushHubError) => console.error(err.code, err.message));
const e = new PushHub.PushHubError('closed', 'gone');
console.log(e.code, PushHub.backoff(3, { initialDelay: 500, maxDelay: 15000, factor: 2, jitter: 0.5 }, 0));
const client = new PushHub.Client({ url: 'http://localhost:9080/' }).open();
client.close();

// @ts-expect-error require() gives module.exports itself: there is no default property
PushHub.default.connect();
// @ts-expect-error queueSize is a number
PushHub.connect({ queueSize: '10' });
