// Start the GOV.UK Frontend components (error summaries, buttons, password reveal) on every page.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();
