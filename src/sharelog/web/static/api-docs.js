// The API documentation page: start Swagger UI (served from /static/swagger-ui, copied from npm by `make`) on the
// app's OpenAPI document. A file of its own, not an inline script, so that it runs under the content security
// policy. "Try it out" sends the session's CSRF token with each request, as the API asks of a signed-in browser.
const root = document.getElementById("swagger-ui");
if (root && typeof window.SwaggerUIBundle === "function") {
  const csrfToken = root.dataset.csrfToken;
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: false, // a link inside each operation's toggle button is a control nested in a control
    validatorUrl: null, // no badge fetched from the Swagger validator: the page talks to this server only
    // the page's own h1 and introduction say what Swagger UI's title block would (a page has one h1)
    plugins: [() => ({ components: { info: () => null, OAS31Info: () => null, OAS32Info: () => null } })],
    requestInterceptor: (request) => {
      if (csrfToken && new URL(request.url, window.location.href).origin === window.location.origin) {
        request.headers["X-CSRF-Token"] = csrfToken;
      }
      return request;
    },
  });
}

// Swagger UI draws a parameter's list of allowed values as a <select> with no label: name it after its parameter
// (the row says which), as it is drawn and redrawn.
function nameParameterLists(scope) {
  for (const select of scope.querySelectorAll("tr[data-param-name] select:not([aria-label])")) {
    const row = select.closest("tr[data-param-name]");
    select.setAttribute("aria-label", row.dataset.paramName + (row.dataset.paramIn ? " (" + row.dataset.paramIn + ")" : ""));
  }
}
if (root) {
  new MutationObserver(() => nameParameterLists(root)).observe(root, { childList: true, subtree: true });
}
