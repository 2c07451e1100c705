// The hosted QR login page: generates a code, then follows it with the qrCodeStatusChanged subscription over
// graphql-transport-ws (a minimal client: one subscription is all this page needs), or over GraphQL SSE when
// WebSockets are unavailable. No polling: every state change is pushed by the server.
(function () {
  'use strict';
  var root = document.getElementById('qr');
  var appId = root.dataset.appId;
  var redirectUri = root.dataset.redirectUri;
  var forced = root.dataset.transport;
  var SUBSCRIPTION = 'subscription($random: String!) { qrCodeStatusChanged(random: $random) ' +
    '{ random status userInfo { nickname photo } ticket expiresAt } }';
  var stop = function () {};

  function el(id) { return document.getElementById(id); }

  function setStatus(status, message) {
    root.dataset.status = String(status);
    el('message').textContent = message;
  }

  function render(event) {
    var user = event.userInfo || {};
    var avatar = el('avatar');
    if (user.photo) { avatar.src = user.photo; avatar.style.display = 'block'; }
    el('nickname').textContent = user.nickname || '';
    switch (event.status) {
      case 0: setStatus(0, 'Scan the code with the app'); break;
      case 1: el('state-text').textContent = 'Scanned'; setStatus(1, 'Confirm the sign-in on your phone'); break;
      case 2:
        el('state-text').textContent = 'Signed in';
        setStatus(2, 'Signed in');
        root.dataset.ticket = event.ticket || '';
        document.dispatchEvent(new CustomEvent('genauth:qrcode', { detail: { ticket: event.ticket } }));
        if (redirectUri && event.ticket) {
          var sep = redirectUri.indexOf('?') < 0 ? '?' : '&';
          window.location.assign(redirectUri + sep + 'ticket=' + encodeURIComponent(event.ticket));
        }
        break;
      case 3: el('state-text').textContent = 'Cancelled'; setStatus(3, 'Sign-in cancelled on the phone'); break;
      case -1: el('state-text').textContent = 'Expired'; setStatus(-1, 'The code expired, refresh'); break;
    }
  }

  function fail(message) {
    el('state-text').textContent = 'Error';
    setStatus('error', message);
  }

  function viaWebSocket(random, onEvent, onFallback) {
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql/v2';
    var socket = new WebSocket(url, 'graphql-transport-ws');
    var acked = false, done = false;
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { 'x-authing-app-id': appId } }));
    };
    socket.onmessage = function (m) {
      var msg = JSON.parse(m.data);
      if (msg.type === 'connection_ack') {
        acked = true;
        el('transport').textContent = 'live: WebSocket';
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { random: random } } }));
      } else if (msg.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (msg.type === 'next') {
        handleResult(msg.payload, onEvent);
      } else if (msg.type === 'error') {
        done = true;
        fail((msg.payload && msg.payload[0] && msg.payload[0].message) || 'Subscription failed');
        socket.close(1000);
      } else if (msg.type === 'complete') {
        done = true;
        socket.close(1000);
      }
    };
    socket.onclose = function () {
      if (!acked && !done) onFallback();
      else if (!done) fail('Connection lost, refresh');
    };
    return function () { done = true; socket.close(1000); };
  }

  function viaSse(random, onEvent) {
    var controller = new AbortController();
    el('transport').textContent = 'live: SSE';
    fetch('/graphql/v2', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream', 'x-authing-app-id': appId },
      body: JSON.stringify({ query: SUBSCRIPTION, variables: { random: random } }),
      signal: controller.signal
    }).then(function (response) {
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return;
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
            if (name === 'next') handleResult(JSON.parse(data.join('\n')), onEvent);
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (e) { if (e.name !== 'AbortError') fail('Connection lost, refresh'); });
    return function () { controller.abort(); };
  }

  function handleResult(result, onEvent) {
    if (result.errors && result.errors.length) { fail(result.errors[0].message); return; }
    if (result.data && result.data.qrCodeStatusChanged) onEvent(result.data.qrCodeStatusChanged);
  }

  function start() {
    stop();
    root.dataset.status = 'loading';
    el('avatar').style.display = 'none';
    el('nickname').textContent = '';
    el('state-text').textContent = '';
    fetch('/api/v2/qrcode/gene', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-authing-app-id': appId },
      body: JSON.stringify({ scene: 'APP_AUTH' })
    }).then(function (r) { return r.json(); }).then(function (body) {
      if (body.code !== 200) { fail(body.message); return; }
      var random = body.data.random;
      root.dataset.random = random;
      el('qr-image').src = body.data.url;
      setStatus(0, 'Scan the code with the app');
      var sse = function () { stop = viaSse(random, render); };
      if (forced === 'sse' || typeof WebSocket === 'undefined') sse();
      else stop = viaWebSocket(random, render, sse);
    }).catch(function () { fail('Could not reach the server, refresh'); });
  }

  el('refresh').addEventListener('click', start);
  start();
})();
