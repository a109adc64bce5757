// The browsable API's forms send no header of their own, and a checkout needs an Idempotency-Key. On a page
// whose view requires one (the template names the header in this script's data-header), each POST form gets
// an "Idempotency-Key" input, filled with a random key when the page loads, and its POST sends that key as
// the header: pressing POST again on the same page is a retry, answered with the first answer, not a second
// order. The input has no name, so it is never part of the body.
(function () {
  "use strict";
  var header = document.currentScript.dataset.header;
  var pending = null;

  function randomKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes); // crypto.randomUUID needs HTTPS or localhost
    return Array.prototype.map.call(bytes, function (byte) { return ("0" + byte.toString(16)).slice(-2); }).join("");
  }

  function addKeyInput(form, key) {
    var group = document.createElement("div");
    group.className = "form-group";
    var label = document.createElement("label");
    label.className = "col-sm-2 control-label";
    label.textContent = header;
    var cell = document.createElement("div");
    cell.className = "col-sm-10";
    var input = document.createElement("input");
    input.className = "form-control idempotency-key";
    input.type = "text";
    input.value = key;
    input.setAttribute("aria-label", header);
    input.id = "idempotency-key-" + form.parentElement.id;
    label.htmlFor = input.id;
    cell.appendChild(input);
    group.appendChild(label);
    group.appendChild(cell);
    var fieldset = form.querySelector("fieldset") || form;
    fieldset.insertBefore(group, fieldset.querySelector(".form-actions"));
  }

  function showAnswer(url, jqXHR) {
    // As DRF's ajax-form.js shows the answer to its own AJAX forms.
    replaceDocument(jqXHR.responseText);
    history.replaceState({}, "", url);
    scroll(0, 0);
  }

  var key = randomKey();
  var forms = document.querySelectorAll("#post-object-form form, #post-generic-content-form form");
  Array.prototype.forEach.call(forms, function (form) { addKeyInput(form, key); });

  // Runs before DRF's own submit handlers (capture): remember the key of the form being sent. The HTML form
  // would be a plain browser POST, which cannot carry a header, so it is sent with AJAX here instead.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var input = form.querySelector("input.idempotency-key");
    if (!input) {
      return;
    }
    pending = input.value.trim();
    if (form.parentElement.id === "post-object-form") {
      event.preventDefault();
      var url = form.getAttribute("action");
      $.ajax({
        url: url,
        method: "POST",
        data: new FormData(form),
        contentType: false,
        processData: false,
        headers: { Accept: "text/html; q=1.0, */*" },
      }).always(function (data, textStatus, jqXHR) {
        showAnswer(url, textStatus === "success" ? jqXHR : data);
      });
    }
  }, true);

  // DRF's raw data form and the HTML form above both POST with jQuery: add the header to that request.
  $(document).ajaxSend(function (event, jqXHR, settings) {
    if (pending && settings.type === "POST") {
      jqXHR.setRequestHeader(header, pending);
    }
    pending = null;
  });
})();
