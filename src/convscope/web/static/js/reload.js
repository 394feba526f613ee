// Reload the page when the teacher saves a lesson file (`convscope serve PATH` only).
//
// Polls GET /api/lessons/version, a string that changes when any lesson file changes, and
// reloads once it differs from the version the page was rendered from (its <meta>). A server
// that stopped is simply retried.

const EVERY_MS = 700;

async function version() {
  const response = await fetch("/api/lessons/version", { cache: "no-store" });
  return (await response.json()).version;
}

async function watch() {
  const rendered = document.querySelector('meta[name="convscope-version"]')?.content;
  for (;;) {
    try {
      if ((await version()) !== rendered) { location.reload(); return; }
    } catch { /* the server is restarting or stopped: try again */ }
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
  }
}

watch();
