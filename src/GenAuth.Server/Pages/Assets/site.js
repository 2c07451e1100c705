// GenAuth hosted pages: small progressive enhancements; every form works without this script.
(function () {
  'use strict';
  // Focus the first field that reported an error, so keyboard and screen-reader users land on it.
  var error = document.getElementById('form-error');
  if (error) {
    var form = error.parentElement && error.parentElement.querySelector('form input:not([type=hidden])');
    if (form) form.focus();
  }
  // A form submits once: double clicks don't post twice.
  document.addEventListener('submit', function (e) {
    var button = e.target.querySelector('button[type=submit]');
    if (button) setTimeout(function () { button.disabled = true; }, 0);
  });
})();
