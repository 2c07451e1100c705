// Front-channel logout page: once every relying party's iframe has loaded (the window's load event waits for
// subframes), or after 5 s for a slow one, continue to the post-logout redirect URI. No inline script: the page's CSP
// allows scripts from this server only.
(function () {
  'use strict';
  var box = document.getElementById('fcl');
  var next = box && box.getAttribute('data-continue');
  if (!next) return;
  var done = false;
  function go() {
    if (done) return;
    done = true;
    window.location.replace(next);
  }
  window.addEventListener('load', go);
  window.setTimeout(go, 5000);
})();
