// Feishu's official Node SDK (@larksuiteoapi/node-sdk) against `feishu-card emulator`.
//
// Run by card-cli/tests/node_sdk.rs as `node sdk.cjs <scenario>` with the SDK on NODE_PATH and:
//   FEISHU_EMULATOR_URL    the emulator's base URL (the SDK's `domain`)
//   FEISHU_APP_ID / FEISHU_APP_SECRET, FEISHU_ENCRYPT_KEY / FEISHU_VERIFICATION_TOKEN
//   FEISHU_CHAT_ID         where the card goes
// Each step is reported as one JSON line on standard output ({"step": …, …}); the SDK's own
// logging goes to standard error. A scenario that serves callbacks runs until standard input
// closes. Each scenario is one function in `scenarios`.
'use strict';

const http = require('node:http');
const lark = require('@larksuiteoapi/node-sdk');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const report = (step, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ step, ...fields })}\n`);
};

// The SDK logs through this, to standard error, so that standard output holds only reports.
const logger = {
  error: (...msg) => console.error('[sdk error]', ...msg),
  warn: (...msg) => console.error('[sdk warn]', ...msg),
  info: (...msg) => console.error('[sdk info]', ...msg),
  debug: (...msg) => console.error('[sdk debug]', ...msg),
  trace: (...msg) => console.error('[sdk trace]', ...msg),
};

const client = () =>
  new lark.Client({
    appId: env('FEISHU_APP_ID'),
    appSecret: env('FEISHU_APP_SECRET'),
    appType: lark.AppType.SelfBuild,
    domain: env('FEISHU_EMULATOR_URL'),
    disableTokenCache: false,
    logger,
  });

const card = (text, withButton) => ({
  schema: '2.0',
  config: { update_multi: true },
  body: {
    elements: [
      { tag: 'markdown', content: text },
      ...(withButton
        ? [
            {
              tag: 'button',
              element_id: 'approve',
              text: { tag: 'plain_text', content: 'Approve' },
              behaviors: [{ type: 'callback', value: { action: 'approve' } }],
            },
          ]
        : []),
    ],
  },
});

// Sends an interactive card to the chat and patches it; reports the message id.
async function sendAndPatch(sdk) {
  const sent = await sdk.im.message.create({
    params: { receive_id_type: 'chat_id' },
    data: {
      receive_id: env('FEISHU_CHAT_ID'),
      msg_type: 'interactive',
      content: JSON.stringify(card('Deploy v2 to production?', false)),
    },
  });
  if (sent.code !== 0) throw new Error(`create answered ${JSON.stringify(sent)}`);
  const messageId = sent.data.message_id;
  report('sent', { message_id: messageId, chat_id: sent.data.chat_id });

  const patched = await sdk.im.message.patch({
    path: { message_id: messageId },
    data: { content: JSON.stringify(card('Deploy v2 to production? Approve below.', true)) },
  });
  if (patched.code !== 0) throw new Error(`patch answered ${JSON.stringify(patched)}`);
  report('patched', { message_id: messageId });
  return messageId;
}

// Replies to `messageId` with a CardKit entity in streaming mode, streams text into it and
// turns streaming off; reports the reply and the entity.
async function replyWithStreamingEntity(sdk, messageId) {
  const streaming = {
    schema: '2.0',
    config: { streaming_mode: true, update_multi: true },
    body: { elements: [{ tag: 'markdown', element_id: 'answer', content: '…' }] },
  };
  const created = await sdk.cardkit.v1.card.create({
    data: { type: 'card_json', data: JSON.stringify(streaming) },
  });
  if (created.code !== 0) throw new Error(`card create answered ${JSON.stringify(created)}`);
  const cardId = created.data.card_id;
  const replied = await sdk.im.message.reply({
    path: { message_id: messageId },
    data: { msg_type: 'interactive', content: JSON.stringify({ type: 'card', data: { card_id: cardId } }) },
  });
  if (replied.code !== 0) throw new Error(`reply answered ${JSON.stringify(replied)}`);
  let sequence = 0;
  for (const text of ['Deploying', 'Deploying v2', 'Deploying v2: done']) {
    sequence += 1;
    const streamed = await sdk.cardkit.v1.cardElement.content({
      path: { card_id: cardId, element_id: 'answer' },
      data: { content: text, sequence },
    });
    if (streamed.code !== 0) throw new Error(`content answered ${JSON.stringify(streamed)}`);
  }
  sequence += 1;
  const settled = await sdk.cardkit.v1.card.settings({
    path: { card_id: cardId },
    data: { settings: JSON.stringify({ config: { streaming_mode: false } }), sequence },
  });
  if (settled.code !== 0) throw new Error(`settings answered ${JSON.stringify(settled)}`);
  report('replied', { message_id: replied.data.message_id, card_id: cardId });
  return { messageId: replied.data.message_id, cardId, sequence };
}

// Adds an element to the entity shown by `messageId`, found back through id_convert, and
// patches it.
async function editEntityElements(sdk, { messageId, sequence }) {
  const converted = await sdk.cardkit.v1.card.idConvert({ data: { message_id: messageId } });
  if (converted.code !== 0) throw new Error(`id_convert answered ${JSON.stringify(converted)}`);
  const cardId = converted.data.card_id;
  const added = await sdk.cardkit.v1.cardElement.create({
    path: { card_id: cardId },
    data: {
      type: 'append',
      elements: JSON.stringify([{ tag: 'markdown', element_id: 'note', content: 'Rolling out' }]),
      sequence: sequence + 1,
    },
  });
  if (added.code !== 0) throw new Error(`element create answered ${JSON.stringify(added)}`);
  const patched = await sdk.cardkit.v1.cardElement.patch({
    path: { card_id: cardId, element_id: 'note' },
    data: { partial_element: JSON.stringify({ content: 'Rolled out to 100%' }), sequence: sequence + 2 },
  });
  if (patched.code !== 0) throw new Error(`element patch answered ${JSON.stringify(patched)}`);
  report('edited', { card_id: cardId });
}

// Serves the SDK's CardActionHandler through adaptDefault on a loopback port, makes it the
// emulator's callback URL, and answers each card action with a toast and a new card.
async function serveCardActionsOverHttp() {
  const handler = new lark.CardActionHandler(
    {
      encryptKey: env('FEISHU_ENCRYPT_KEY'),
      verificationToken: env('FEISHU_VERIFICATION_TOKEN'),
      logger,
    },
    async (data) => {
      const who = data.operator && data.operator.open_id;
      report('card_action', {
        open_id: who,
        message_id: data.context && data.context.open_message_id,
        value: data.action && data.action.value,
        token: data.token,
      });
      return {
        toast: { type: 'success', content: `Approved by ${who}` },
        card: { type: 'raw', data: card(`Approved by ${who} (answered by the Node SDK)`, false) },
      };
    },
  );
  const server = http.createServer();
  server.on('request', lark.adaptDefault('/webhook/card', handler));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const callbackUrl = `http://127.0.0.1:${server.address().port}/webhook/card`;
  const set = await fetch(`${env('FEISHU_EMULATOR_URL')}/_emulator/callback_url`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: callbackUrl }),
  });
  if (!set.ok) throw new Error(`setting the callback URL answered ${set.status}: ${await set.text()}`);
  report('listening', { callback_url: callbackUrl });
  return server;
}

// Sends an interactive card with a button to the chat; reports the message id.
async function sendCardWithButton(sdk) {
  const sent = await sdk.im.message.create({
    params: { receive_id_type: 'chat_id' },
    data: {
      receive_id: env('FEISHU_CHAT_ID'),
      msg_type: 'interactive',
      content: JSON.stringify(card('Deploy v2 to production? Approve below.', true)),
    },
  });
  if (sent.code !== 0) throw new Error(`create answered ${JSON.stringify(sent)}`);
  report('sent', { message_id: sent.data.message_id, chat_id: sent.data.chat_id });
  return sent.data.message_id;
}

// Opens the SDK's long connection (WSClient) with an EventDispatcher whose
// `card.action.trigger` handler reports what it received and answers with a toast and a new
// card. `started` resolves once the SDK began connecting (and fails if it refused to start),
// `connected` when the SDK says it is connected (onReady), `failed` with the message of the
// error it gives up with (onError). Every error the SDK logs is kept in
// `errors`, and every pong it applied counted in `pongs`: a frame it could not decode, a pong
// it could not read or a failed handler all show up there.
function openLongConnection(appSecret) {
  const seen = { errors: [], pongs: 0 };
  const text = (msg) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  const watching = {
    ...logger,
    error: (...msg) => {
      seen.errors.push(text(msg));
      logger.error(...msg);
    },
    trace: (...msg) => {
      if (text(msg).includes('update wsConfig with pong data')) seen.pongs += 1;
    },
  };
  const dispatcher = new lark.EventDispatcher({ logger: watching }).register({
    'card.action.trigger': async (data) => {
      const who = data.operator && data.operator.open_id;
      report('card_action', {
        event_type: data.event_type,
        event_id: data.event_id,
        app_id: data.app_id,
        operator: data.operator,
        action: data.action,
        host: data.host,
        context: data.context,
        token: data.token,
      });
      return {
        toast: { type: 'success', content: `Approved by ${who} over the long connection` },
        card: { type: 'raw', data: card(`Approved by ${who} (answered by the Node SDK's WSClient)`, false) },
      };
    },
  });
  let ready;
  let gaveUp;
  const connected = new Promise((resolve) => {
    ready = resolve;
  });
  const failed = new Promise((resolve) => {
    gaveUp = resolve;
  });
  const ws = new lark.WSClient({
    appId: env('FEISHU_APP_ID'),
    appSecret,
    domain: env('FEISHU_EMULATOR_URL'),
    logger: watching,
    loggerLevel: lark.LoggerLevel.trace,
    onReady: () => ready(),
    onError: (err) => {
      seen.errors.push(`onError: ${err && err.message}`);
      gaveUp(String(err && err.message));
    },
  });
  const started = ws.start({ eventDispatcher: dispatcher }).then(() => {
    // A client that refused to start (an app id not shaped like Feishu's, …) is idle and
    // would never call onReady nor onError.
    const { state } = ws.getConnectionStatus();
    if (state === 'idle') throw new Error(`the WSClient did not start (state ${state}); see its log`);
  });
  return { ws, started, connected, failed, seen };
}

// The ids the SDK read from the connection URL (its own configuration, not a public API).
const connectionIds = (ws) => {
  const config = (ws.wsConfig && ws.wsConfig.getWS && ws.wsConfig.getWS()) || {};
  return { device_id: config.deviceId, service_id: config.serviceId };
};

const untilStdinCloses = () =>
  new Promise((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.resume();
  });

const scenarios = {
  // The OpenAPI client: send a card, patch it, reply with a streamed CardKit entity, edit its
  // elements.
  async openapi() {
    const sdk = client();
    const messageId = await sendAndPatch(sdk);
    const reply = await replyWithStreamingEntity(sdk, messageId);
    await editEntityElements(sdk, reply);
  },
  // Card actions over HTTP: the card is sent and patched, then clicks reach the SDK's handler.
  async 'card-action-http'() {
    const server = await serveCardActionsOverHttp();
    await sendAndPatch(client());
    await untilStdinCloses();
    server.close();
  },
  // Card actions over the long connection: the card is sent, the SDK's WSClient connects, and
  // clicks reach its EventDispatcher as `card.action.trigger` events; the acknowledgement
  // carries the answer.
  async 'card-action-ws'() {
    const { ws, started, connected, seen } = openLongConnection(env('FEISHU_APP_SECRET'));
    await started;
    await sendCardWithButton(client());
    await connected;
    report('ready', connectionIds(ws));
    await untilStdinCloses();
    ws.close({ force: true });
    report('sdk_seen', seen);
  },
  // The long connection with a wrong app secret: the endpoint refuses it, and the SDK gives up.
  async 'ws-refused'() {
    const { ws, started, failed, seen } = openLongConnection(`${env('FEISHU_APP_SECRET')}-wrong`);
    await started;
    const error = await failed;
    report('refused', { error, state: ws.getConnectionStatus().state });
    ws.close({ force: true });
    report('sdk_seen', seen);
  },
};

async function main() {
  const name = process.argv[2];
  const scenario = scenarios[name];
  if (!scenario) {
    throw new Error(`unknown scenario ${JSON.stringify(name)}; known: ${Object.keys(scenarios).join(', ')}`);
  }
  await scenario();
  report('done');
}

main().then(
  () => process.exit(0),
  (err) => {
    report('failed', { error: String((err && err.stack) || err) });
    process.exit(1);
  },
);
