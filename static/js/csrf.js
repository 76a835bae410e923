// Forms on pages shared by every visitor without a session carry an empty CSRF field: the
// token is asked for when the form is submitted (which starts the visitor's session), then
// the form is sent as the visitor meant it, with the button they pressed.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var field = form.querySelector("input[data-csrf-lazy]");
  if (!field || field.value) {
    return;
  }
  event.preventDefault();
  var submitter = event.submitter;
  fetch("/csrf-token", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (answer) {
      field.value = answer.token;
      form.requestSubmit(submitter);
    })
    .catch(function () {
      // No answer: send it anyway; the server's page says the form has expired, with a way back.
      field.removeAttribute("data-csrf-lazy");
      form.requestSubmit(submitter);
    });
}, true);
