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
