/**
 * The page's only script: the "PNG" button of every chart. It serializes the chart's <svg> (all
 * styling is in attributes, so it renders the same on its own), loads it into an <img> from a
 * data: URL, draws it onto a canvas at 2× the chart's natural size over a white background and
 * downloads the canvas as `<chart id>.png`. Nothing leaves the page: no network, no libraries.
 *
 * Written as plain ES2017 in a string (it runs in the browser, not in Node), wrapped in an IIFE
 * so it defines no globals. It must never contain "</script".
 */

/** Pixels per SVG unit in the exported PNG: sharp on slides and high-DPI screens. */
export const PNG_SCALE = 2;

export const PNG_EXPORT_SCRIPT = `(function () {
  'use strict';
  var SCALE = ${PNG_SCALE};
  function naturalSize(svg) {
    var box = svg.viewBox && svg.viewBox.baseVal;
    if (box && box.width > 0 && box.height > 0) return { width: box.width, height: box.height };
    var rect = svg.getBoundingClientRect();
    return { width: rect.width, height: rect.height };
  }
  function setState(button, state, message) {
    button.setAttribute('data-state', state);
    if (message) button.title = message;
  }
  function exportPng(svg, name, button) {
    var size = naturalSize(svg);
    var clone = svg.cloneNode(true);
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    clone.setAttribute('width', String(size.width));
    clone.setAttribute('height', String(size.height));
    var xml = new XMLSerializer().serializeToString(clone);
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(size.width * SCALE);
      canvas.height = Math.round(size.height * SCALE);
      var context = canvas.getContext('2d');
      if (!context) { setState(button, 'failed', 'This browser cannot draw on a canvas.'); return; }
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (!blob) { setState(button, 'failed', 'The browser could not encode the PNG.'); return; }
        var url = URL.createObjectURL(blob);
        var link = document.createElement('a');
        link.href = url;
        link.download = name + '.png';
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        setState(button, 'done', 'Saved ' + name + '.png');
      }, 'image/png');
    };
    image.onerror = function () { setState(button, 'failed', 'The chart could not be rendered as an image.'); };
    image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(xml);
  }
  document.addEventListener('click', function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest('button[data-png-for]') : null;
    if (!button) return;
    var id = button.getAttribute('data-png-for');
    var svg = id ? document.getElementById(id) : null;
    if (!svg) { setState(button, 'failed', 'Chart not found.'); return; }
    setState(button, 'busy');
    exportPng(svg, id, button);
  });
})();`;
