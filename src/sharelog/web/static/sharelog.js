// Start the GOV.UK Frontend components (error summaries, buttons, password reveal) on every page.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();

// GOV.UK Frontend marks a radio that reveals a further question with aria-expanded, which ARIA does not allow on a
// radio (axe-core's critical "aria-allowed-attr"; GOV.UK Frontend keeps it knowingly). Take it off as soon as it is
// set, each time: the revealed question follows its radio, which still points to it with aria-controls.
const REVEALING_RADIOS = 'input[type="radio"][aria-expanded]';
const unmark = () => {
  for (const radio of document.querySelectorAll(REVEALING_RADIOS)) radio.removeAttribute("aria-expanded");
};
unmark();
new MutationObserver(unmark).observe(document.body, {
  subtree: true,
  attributes: true,
  attributeFilter: ["aria-expanded"],
});

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
