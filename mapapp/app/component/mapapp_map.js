/* mapapp's map for Streamlit: a small component of its own (components API v1, plain JavaScript).

   One source of truth for the view: the browser owns centre and zoom while the person pans and
   zooms; the server only reads them (they come back in the component value) and sets them only
   by sending a view command with a new id (a new article, "fit", a link being opened). A render
   from the server never moves the map or rebuilds it unless something it shows changed:

   args (from Python, mapapp/app/mapcomponent.py):
     height       map height in CSS px
     assets       {js: [url...], css: [url...]}    Leaflet and plugins, served locally
     setup        JavaScript run once with `map` bound (styles, panes, labels, legend builder)
     layers       [{key, title, digest, url, code, on, legend, js, css}] in layer-control order;
                  `url` serves the layer's program (run with `map` and `parent` bound; or
                  `code` holds it), `digest` changes when what it draws changes
     visible_rev  bumped by the server when it sets which layers are shown (sidebar, link)
     view         {id, center: [lat, lon], zoom} or {id, bounds: [w, s, e, n]}: applied once per id
     attribution  text (HTML-escaped) for the attribution control
     min_zoom, max_zoom

   value (to Python, debounced): {view: {center: [lat, lon], zoom, bounds: [w, s, e, n],
     size: [w, h], id}, visible: [keys shown], visible_seq, click: {lat, lng, seq} | null, instance,
     drawings: [GeoJSON features drawn with the toolbar] | null}
   `visible_seq` grows only when the person toggles a layer in the map's own control; it and the
   click's `seq` count from 0 in each frame (`instance`), e.g. after a page reload.
*/
(function () {
  "use strict";

  var S = {
    map: null,
    records: {},        // key -> {key, title, digest, legend, group}
    order: [],          // keys in control order
    control: null,
    viewId: null,
    visibleRev: null,
    visibleSeq: 0,
    clickSeq: 0,
    click: null,
    sent: null,
    height: 0,
    applying: 0,        // > 0 while the component itself adds or removes layers
    busy: false,
    next: null,         // latest args not yet rendered
    code: {},           // url -> Promise of the program's text
    loaded: {},         // asset url -> Promise
    timer: null,
    instance: Math.random().toString(36).slice(2),  // this frame: its counters start at 0
  };

  // scripts and stylesheets the page itself already loaded count as loaded
  Array.prototype.forEach.call(document.querySelectorAll("script[src], link[rel=stylesheet]"), function (el) {
    S.loaded[el.getAttribute("src") || el.getAttribute("href")] = Promise.resolve();
  });

  function post(type, data) {
    var msg = {isStreamlitMessage: true, type: type};
    Object.keys(data || {}).forEach(function (k) { msg[k] = data[k]; });
    window.parent.postMessage(msg, "*");
  }

  function setHeight(h) {
    if (h !== S.height) {
      S.height = h;
      post("streamlit:setFrameHeight", {height: h});
    }
  }

  function fail(err) {
    var box = document.getElementById("map-error");
    box.textContent = "The map could not be drawn: " + (err && err.message ? err.message : err);
    box.style.display = "block";
    if (window.console) { console.error(err); }
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = url;
      s.async = false;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(s);
    });
  }

  function ensureAssets(js, css) {
    (css || []).forEach(function (u) {
      if (!S.loaded[u]) {
        var l = document.createElement("link");
        l.rel = "stylesheet";
        l.href = u;
        document.head.appendChild(l);
        S.loaded[u] = Promise.resolve();
      }
    });
    var chain = Promise.resolve();
    (js || []).forEach(function (u) {
      if (!S.loaded[u]) {
        var before = chain;
        S.loaded[u] = before.then(function () { return loadScript(u); });
      }
      chain = S.loaded[u];
    });
    return chain;
  }

  function program(url) {
    if (!S.code[url]) {
      S.code[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error("could not load " + url + " (" + r.status + ")"); }
        return r.text();
      });
    }
    return S.code[url];
  }

  // ------------------------------------------------------------------ the value sent to Python

  function visibleKeys() {
    return S.order.filter(function (k) {
      var rec = S.records[k];
      return rec && S.map.hasLayer(rec.group);
    });
  }

  function report() {
    if (!S.map) { return; }
    var b = S.map.getBounds(), c = S.map.getCenter(), z = S.map.getSize();
    var value = {
      view: {center: [c.lat, c.lng], zoom: S.map.getZoom(),
             bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], size: [z.x, z.y], id: S.viewId},
      visible: visibleKeys(),
      visible_seq: S.visibleSeq,
      click: S.click,
      instance: S.instance,
      drawings: window.__mapappDrawings ? window.__mapappDrawings() : null,  // the drawing toolbar's shapes
    };
    var text = JSON.stringify(value);
    if (text !== S.sent) {
      S.sent = text;
      post("streamlit:setComponentValue", {value: value, dataType: "json"});
    }
  }

  function reportSoon(ms) {
    if (S.timer) { clearTimeout(S.timer); }
    S.timer = setTimeout(function () { S.timer = null; report(); }, ms);
  }

  // ------------------------------------------------------------------ layers

  function legend() {
    if (!window.__mapappLegend) { return; }
    window.__mapappLegend(S.map, S.order.map(function (k) {
      var rec = S.records[k];
      return {key: k, layer: rec.group, rows: rec.legend || []};
    }));
  }

  function show(rec, on) {
    S.applying += 1;
    try {
      if (on && !S.map.hasLayer(rec.group)) { rec.group.addTo(S.map); }
      if (!on && S.map.hasLayer(rec.group)) { S.map.removeLayer(rec.group); }
    } finally {
      S.applying -= 1;
    }
  }

  function drop(rec) {
    show(rec, false);
    var labels = S.map.__mapappLabels || [];
    S.map.__mapappLabels = labels.filter(function (it) { return !rec.group.hasLayer(it.layer); });
  }

  function build(spec) {
    return ensureAssets(spec.js, spec.css).then(function () {
      return spec.code ? spec.code : program(spec.url);
    }).then(function (code) {
      var group = L.featureGroup();
      (new Function("map", "parent", code))(S.map, group);  // eslint-disable-line no-new-func
      return group;
    });
  }

  function rebuildControl() {
    S.applying += 1;
    try {
      if (S.control) { S.map.removeControl(S.control); }
      var overlays = {};
      S.order.forEach(function (k) { overlays[S.records[k].title] = S.records[k].group; });
      S.control = L.control.layers(null, overlays, {collapsed: false, position: "topright", sortLayers: false});
      S.control.addTo(S.map);
    } finally {
      S.applying -= 1;
    }
  }

  function syncLayers(a) {
    var wanted = {}, jobs = [];
    var serverSets = a.visible_rev !== S.visibleRev;
    a.layers.forEach(function (spec) { wanted[spec.key] = spec; });
    Object.keys(S.records).forEach(function (k) {
      if (!wanted[k]) { drop(S.records[k]); delete S.records[k]; }
    });
    a.layers.forEach(function (spec) {
      var rec = S.records[spec.key];
      if (rec && rec.digest === spec.digest) {
        rec.title = spec.title;
        rec.legend = spec.legend;
        if (serverSets) { show(rec, spec.on); }
        return;
      }
      // new, or what it draws changed: build it, keeping the person's choice for a rebuilt layer
      var on = rec && !serverSets ? S.map.hasLayer(rec.group) : spec.on;
      jobs.push(build(spec).then(function (group) {
        var old = S.records[spec.key];
        if (old && old.digest === spec.digest) { return; }  // a newer render already built it
        if (old) { drop(old); }
        S.records[spec.key] = {key: spec.key, title: spec.title, digest: spec.digest, legend: spec.legend,
                               group: group};
        show(S.records[spec.key], on);
      }));
    });
    S.visibleRev = a.visible_rev;
    return Promise.all(jobs).then(function () {
      S.order = a.layers.map(function (spec) { return spec.key; }).filter(function (k) { return S.records[k]; });
      var signature = JSON.stringify(S.order.map(function (k) { return [k, S.records[k].title, S.records[k].digest]; }));
      if (signature !== S.controlSignature || !S.control) {  // a rerun that changed nothing leaves the control alone
        S.controlSignature = signature;
        rebuildControl();
      }
      legend();
      if (jobs.length || serverSets) { window.__mapappDeclutterSoon(S.map); }
    });
  }

  // ------------------------------------------------------------------ the view

  function applyView(v) {
    if (!v || v.id === S.viewId) { return false; }
    S.viewId = v.id;
    if (v.center) {
      S.map.setView([v.center[0], v.center[1]], v.zoom, {animate: false});
    } else if (v.bounds) {
      var x = S.map.getSize().x;
      S.map.fitBounds([[v.bounds[1], v.bounds[0]], [v.bounds[3], v.bounds[2]]],
                      {animate: false, paddingTopLeft: [10, 10], paddingBottomRight: [Math.min(250, x / 3), 24]});
    }
    return true;
  }

  // ------------------------------------------------------------------ map and events

  function createMap(a) {
    var el = document.getElementById("map");
    el.style.height = a.height + "px";
    var map = L.map(el, {zoomSnap: 0.25, zoomDelta: 0.5, minZoom: a.min_zoom, maxZoom: a.max_zoom,
                         preferCanvas: true, zoomControl: true});
    L.control.scale({position: "bottomleft"}).addTo(map);
    map.attributionControl.setPrefix(false);
    (new Function("map", a.setup))(map);  // eslint-disable-line no-new-func
    map.on("moveend", function () { reportSoon(350); });
    map.on("overlayadd overlayremove", function () {
      if (S.applying) { return; }
      S.visibleSeq += 1;  // the person used the map's own layer control
      legend();
      reportSoon(60);
    });
    map.on("draw:created draw:edited draw:deleted", function () { reportSoon(60); });
    map.on("click", function (e) {
      S.clickSeq += 1;
      S.click = {lat: e.latlng.lat, lng: e.latlng.lng, seq: S.clickSeq};
      reportSoon(60);
    });
    window.__mapappMap = map;
    return map;
  }

  function markReady() {
    (function wait() {
      if (S.map.__mapappPending) { setTimeout(wait, 30); return; }
      requestAnimationFrame(function () {
        if (window.__mapappDeclutter) { window.__mapappDeclutter(S.map); }
        window.__mapReady = true;
        document.documentElement.setAttribute("data-map-ready", "1");
      });
    })();
  }

  function render(a) {
    setHeight(a.height);
    return ensureAssets(a.assets.js, a.assets.css).then(function () {
      var first = !S.map;
      if (first) { S.map = createMap(a); }
      if (a.attribution !== S.attribution) {
        if (S.attribution) { S.map.attributionControl.removeAttribution(S.attribution); }
        S.map.attributionControl.addAttribution(a.attribution);
        S.attribution = a.attribution;
      }
      var moved = applyView(a.view);
      return syncLayers(a).then(function () {
        if (first) { markReady(); }
        if (moved || first) { reportSoon(0); }
      });
    });
  }

  function pump() {
    if (S.busy || !S.next) { return; }
    var a = S.next;
    S.next = null;
    S.busy = true;
    render(a).catch(fail).then(function () {
      S.busy = false;
      pump();
    });
  }

  window.addEventListener("message", function (event) {
    var d = event.data;
    if (!d || d.type !== "streamlit:render") { return; }
    S.next = d.args || {};
    pump();
  });
  post("streamlit:componentReady", {apiVersion: 1});
})();
