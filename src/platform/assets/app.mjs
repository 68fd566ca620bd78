// Progressive enhancement only: every page works without this file.
/* global document, MutationObserver */
import { initAll } from '/assets/nhsuk/nhsuk-frontend.min.js';

initAll();

// nhsuk-frontend marks a radio that reveals more questions with aria-expanded, which ARIA 1.2 does
// not allow on a radio (GOV.UK Frontend stopped doing it for that reason, and axe reports it).
// The questions it reveals follow the radio, so nothing is lost by taking the attribute off again
// whenever it is set.
const stripExpanded = () => {
  for (const radio of document.querySelectorAll('input[type="radio"][aria-expanded]')) radio.removeAttribute('aria-expanded');
};
stripExpanded();
new MutationObserver(stripExpanded).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-expanded'] });
