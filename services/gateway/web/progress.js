// Watching a running stage: the gateway's Server-Sent Events read through fetch (EventSource
// cannot send the Authorization header), and polling of the stage's status when the stream fails.

import {api, paths, send} from "./api.js";

export const FINAL = ["SUCCESS", "FAILURE", "CANCELLED"];
export const POLL_MS = 1500;
const STREAM_SILENCE_MS = 40000;

/** Is this stage status a run that has not finished? */
export function isRunning(status) {
  return Boolean(status && status.task_id && !FINAL.includes(status.status));
}

/** Split an SSE text buffer into complete events; returns [events, rest of the buffer]. */
export function parseEvents(buffer) {
  const events = [];
  const blocks = buffer.replace(/\r\n?/g, "\n").split("\n\n");
  const rest = blocks.pop();
  for (const block of blocks) {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const key = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (key === "event") name = value;
      else if (key === "data") data.push(value);
    }
    if (data.length) events.push({event: name, data: data.join("\n")});
  }
  return [events, rest];
}

/**
 * Follow `stage` of course `courseId` until it finishes.
 * onStatus(statuses) gets {stageN: status, ...} (the stream gives every stage, polling only this one);
 * onFinished(status) is called once with the final status; onTrouble(message|null) reports a
 * connection problem while polling keeps trying. Returns {stop()}.
 */
export function watchStage(courseId, stage, {onStatus, onFinished, onTrouble = () => {}}) {
  const controller = new AbortController();  // everything: aborted by stop()
  const streaming = new AbortController();   // the stream only: aborted when it goes quiet
  let stopped = false;
  let watchdog = null;
  let timer = null;
  let finished = false;

  function deliver(statuses) {
    if (stopped || finished) return;
    onStatus(statuses);
    const mine = statuses[stage];
    if (mine && FINAL.includes(mine.status)) {
      finished = true;
      stop();
      onFinished(mine);
    }
  }

  async function stream() {
    const path = `${paths.action(courseId, "progress/stream")}?until=${stage}`;
    controller.signal.addEventListener("abort", () => streaming.abort());
    // The gateway sends a keep-alive every 15 s: a longer silence means the connection is gone.
    const quiet = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => streaming.abort(), STREAM_SILENCE_MS);
    };
    quiet();
    const response = await send("GET", path, {signal: streaming.signal,
      headers: {Accept: "text/event-stream"}});
    if (!response.body || !response.body.getReader) throw new Error("streaming is not supported");
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      quiet();
      buffer += decoder.decode(value, {stream: true});
      const [events, rest] = parseEvents(buffer);
      buffer = rest;
      for (const item of events) {
        if (item.event !== "status") continue;
        let statuses;
        try { statuses = JSON.parse(item.data); } catch { continue; }  // malformed: wait for the next
        deliver(statuses);
        if (stopped) return;
      }
      onTrouble(null);
    }
  }

  async function poll() {
    if (stopped) return;
    try {
      const status = await api.get(paths.action(courseId, `${stage}/status`), {signal: controller.signal});
      onTrouble(null);
      deliver({[stage]: status});
    } catch (error) {
      if (error.name === "AbortError" || stopped) return;
      if (error.status === 401) { stop(); return; }
      onTrouble(`Lost contact with the gateway; retrying every ${POLL_MS / 1000} s. (${error.message})`);
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(watchdog);
    controller.abort();
  }

  stream().catch((error) => {
    if (error.status === 401) stop();  // the page returns to sign-in
  }).finally(() => {
    clearTimeout(watchdog);
    // The stream ended (or failed) before the stage finished: fall back to polling.
    if (!stopped && !finished) poll();
  });

  return {stop};
}
