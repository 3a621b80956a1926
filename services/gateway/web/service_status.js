// A banner while a service is down: the gateway's /ready lists each stage service as up or down
// (`coursegen run` restarts one that stopped), and a gateway that does not answer is down too.
// Polled now and then, so a user knows why a stage is waiting instead of guessing.

const POLL_MS = 5000;

/** The banner's sentence for a /ready body (null: the gateway did not answer); "" when all is well. */
export function statusText(ready, ok) {
  if (ready === null) return "The gateway is not answering — restarting; this page retries by itself.";
  const down = Object.entries(ready.services || {}).filter(([, state]) => state !== "up").map(([name]) => name);
  if (down.length === 1) return `Service ${down[0]} is down — restarting; its stage waits until it is back.`;
  if (down.length > 1) return `Services ${down.join(", ")} are down — restarting; their stages wait until they are back.`;
  if (!ok) return `The gateway is not ready: ${(ready.problems || []).join("; ") || "starting"}.`;
  return "";
}

async function readiness() {
  try {
    const response = await fetch("/ready", {cache: "no-store", headers: {Accept: "application/json"}});
    return statusText(await response.json().catch(() => ({})), response.ok);
  } catch {
    return statusText(null, false);
  }
}

/** Keep `banner` showing what is down; returns a function that stops polling. */
export function watchServices(banner, every = POLL_MS) {
  let stopped = false;
  async function poll() {
    const text = await readiness();
    if (stopped) return;
    // Only on change: the banner is a live region, and a repeated sentence would be read out again.
    if (banner.textContent !== text) banner.textContent = text;
    banner.hidden = !text;
  }
  poll();
  const timer = setInterval(poll, every);
  return () => { stopped = true; clearInterval(timer); };
}
