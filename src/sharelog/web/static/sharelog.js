// Start the GOV.UK Frontend components (error summaries, buttons, password reveal) on every page.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();

// A batch run's status page: without JavaScript it refreshes itself (a <noscript> meta refresh); with it, the
// page asks for itself again every two seconds, updates the stage in place (a status region, announced politely)
// and reloads once the run has ended, to show the result or the problems.
const run = document.querySelector('[data-exchange-run="running"]');
if (run) {
  const poll = async () => {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = page.querySelector("[data-exchange-run]");
      if (!response.ok || !next || next.dataset.exchangeRun !== "running") {
        window.location.reload();
        return;
      }
      for (const selector of ["[data-run-stage]", "#run-steps"]) {
        const shown = run.querySelector(selector);
        const fresh = next.querySelector(selector);
        if (shown && fresh && shown.innerHTML !== fresh.innerHTML) shown.innerHTML = fresh.innerHTML;
      }
    } catch {
      // a dropped connection: try again at the next tick
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}
