// The login page's QR tab: generates a code, then follows it with the qrCodeStatusChanged subscription over
// graphql-transport-ws (a minimal client: one subscription is all this page needs), or over GraphQL SSE when
// WebSockets are unavailable. No polling: every state change is pushed by the server. A dropped connection is
// reopened with backoff; the countdown shows when the code expires; state changes are announced (aria-live).
(function () {
  'use strict';
  var root = document.querySelector('main[data-app-id]');
  if (!root) return;
  var texts = document.getElementById('qr-texts').dataset;
  var appId = root.dataset.appId;
  var redirectUri = root.dataset.redirectUri;
  var forced = root.dataset.transport;
  var lang = root.dataset.lang;
  // The hosted login redeems the confirmed code itself; the legacy /login/qrcode page only shows it (or hands the
  // ticket to the app's registered redirect_uri).
  var redeem = root.dataset.redeem === '1' && !redirectUri;
  var SUBSCRIPTION = 'subscription($random: String!) { qrCodeStatusChanged(random: $random) ' +
    '{ random status userInfo { nickname photo } ticket expiresAt } }';
  var stop = function () {};
  var generation = 0;
  var expiresAt = 0;
  var timer = null;
  var finished = false;

  function el(id) { return document.getElementById(id); }
  function t(key) { return texts[key.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); })] || key; }

  function setStatus(status, message) {
    root.dataset.status = String(status);
    el('message').textContent = message;
  }

  function setTransport(name, live) {
    el('transport').textContent = (live ? t('qr-live') : t('qr-offline')) + (name ? ': ' + name : '');
    root.dataset.live = live ? '1' : '0';
  }

  function tick() {
    if (!expiresAt || finished) { el('countdown').textContent = ''; return; }
    var left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
    el('countdown').textContent = t('qr-expires-in').replace('{0}', String(left));
    if (left === 0 && root.dataset.status === '0') render({ status: -1 });
  }

  function render(event) {
    var user = event.userInfo || {};
    var avatar = el('avatar');
    // Only our own uploads or inline images: the page's CSP allows no other origin.
    if (user.photo && (user.photo.indexOf('data:image/') === 0 || user.photo.indexOf(location.origin + '/') === 0)) {
      avatar.src = user.photo; avatar.hidden = false;
    }
    el('nickname').textContent = user.nickname || '';
    if (event.expiresAt) expiresAt = new Date(event.expiresAt).getTime() || expiresAt;
    switch (event.status) {
      case 0: setStatus(0, t('qr-scan')); break;
      case 1: el('state-text').textContent = t('qr-scanned-short'); setStatus(1, t('qr-scanned')); break;
      case 2:
        finished = true;
        el('state-text').textContent = t('qr-confirmed');
        setStatus(2, t('qr-confirmed'));
        root.dataset.ticket = event.ticket || '';
        stop();
        document.dispatchEvent(new CustomEvent('genauth:qrcode', { detail: { ticket: event.ticket } }));
        if (redirectUri && event.ticket) {
          var sep = redirectUri.indexOf('?') < 0 ? '?' : '&';
          window.location.assign(redirectUri + sep + 'ticket=' + encodeURIComponent(event.ticket));
        } else if (redeem) {
          // The hosted login: this browser redeems the confirmed code (form post with its antiforgery token).
          var form = el('qr-login');
          form.elements.random.value = root.dataset.random;
          form.submit();
        }
        break;
      case 3: finished = true; stop(); el('state-text').textContent = t('qr-cancelled-short'); setStatus(3, t('qr-cancelled')); break;
      case -1: finished = true; stop(); el('state-text').textContent = t('qr-expired-short'); setStatus(-1, t('qr-expired')); break;
    }
    tick();
  }

  function fail(message) {
    finished = true;
    stop();
    el('state-text').textContent = t('qr-error');
    setStatus('error', message);
    setTransport('', false);
  }

  // Reconnects with exponential backoff (1 s, 2 s, 4 s … 30 s) while the code is still open.
  function reconnecting(random, gen, attempt) {
    if (gen !== generation || finished) return;
    setTransport('', false);
    el('message').textContent = t('qr-lost');
    var delay = Math.min(30000, 1000 * Math.pow(2, attempt));
    setTimeout(function () {
      if (gen !== generation || finished) return;
      connect(random, gen, attempt + 1);
    }, delay);
  }

  function viaWebSocket(random, gen, attempt, onFallback) {
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql/v2';
    var socket = new WebSocket(url, 'graphql-transport-ws');
    var acked = false, done = false;
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { 'x-authing-app-id': appId, 'x-authing-lang': lang } }));
    };
    socket.onmessage = function (m) {
      var msg = JSON.parse(m.data);
      if (msg.type === 'connection_ack') {
        acked = true;
        setTransport('WebSocket', true);
        if (el('message').textContent === t('qr-lost')) {
          el('message').textContent = root.dataset.status === '1' ? t('qr-scanned') : t('qr-scan');
        }
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { random: random } } }));
      } else if (msg.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (msg.type === 'next') {
        handleResult(msg.payload);
      } else if (msg.type === 'error') {
        done = true;
        fail((msg.payload && msg.payload[0] && msg.payload[0].message) || t('qr-error'));
        socket.close(1000);
      } else if (msg.type === 'complete') {
        done = true;
        socket.close(1000);
      }
    };
    socket.onclose = function () {
      if (done) return;
      if (!acked && attempt === 0) onFallback();
      else reconnecting(random, gen, attempt);
    };
    return function () { done = true; try { socket.close(1000); } catch (e) { /* closed already */ } };
  }

  function viaSse(random, gen, attempt) {
    var controller = new AbortController();
    setTransport('SSE', true);
    fetch('/graphql/v2', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream', 'x-authing-app-id': appId, 'x-authing-lang': lang },
      body: JSON.stringify({ query: SUBSCRIPTION, variables: { random: random } }),
      signal: controller.signal
    }).then(function (response) {
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { reconnecting(random, gen, attempt); return; }
          buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, '\n');
          var end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            var block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            var name = 'message', data = [];
            block.split('\n').forEach(function (line) {
              if (line.indexOf('event:') === 0) name = line.slice(6).trim();
              else if (line.indexOf('data:') === 0) data.push(line.slice(5).replace(/^ /, ''));
            });
            if (name === 'next') handleResult(JSON.parse(data.join('\n')));
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (e) { if (e.name !== 'AbortError') reconnecting(random, gen, attempt); });
    return function () { controller.abort(); };
  }

  function connect(random, gen, attempt) {
    var sse = function () { stop = viaSse(random, gen, attempt); };
    if (forced === 'sse' || typeof WebSocket === 'undefined' || root.dataset.fallback === 'sse') sse();
    else stop = viaWebSocket(random, gen, attempt, function () { root.dataset.fallback = 'sse'; sse(); });
  }

  function handleResult(result) {
    if (result.errors && result.errors.length) { fail(result.errors[0].message); return; }
    if (result.data && result.data.qrCodeStatusChanged) render(result.data.qrCodeStatusChanged);
  }

  function start() {
    stop();
    generation += 1;
    var gen = generation;
    finished = false;
    expiresAt = 0;
    root.dataset.status = 'loading';
    el('avatar').hidden = true;
    el('nickname').textContent = '';
    el('state-text').textContent = '';
    // The hosted tab asks the page for its code (remembered in this browser, antiforgery token included).
    var request = redeem
      ? fetch('/login/qr/gene', { method: 'POST', body: new URLSearchParams(new FormData(el('qr-login'))) })
      : fetch('/api/v2/qrcode/gene', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'x-authing-app-id': appId, 'x-authing-lang': lang },
        body: JSON.stringify({ scene: 'APP_AUTH' })
      });
    request.then(function (r) { return r.json(); }).then(function (body) {
      if (body.code !== 200) { fail(body.message); return; }
      var random = body.data.random;
      root.dataset.random = random;
      if (body.data.expiresIn) expiresAt = Date.now() + body.data.expiresIn * 1000;
      el('qr-image').src = body.data.url;
      setStatus(0, t('qr-scan'));
      tick();
      connect(random, gen, 0);
    }).catch(function () { fail(t('qr-unreachable')); });
  }

  timer = setInterval(tick, 1000);
  el('refresh').addEventListener('click', start);
  start();
})();
