// Switch the language as soon as another one is picked (no inline handler: the CSP forbids it).
// Without JavaScript the form's own button does the same.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", () => select.form.submit());
  }
});
