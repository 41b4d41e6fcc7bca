// stdtrack dashboard: chart downloads (SVG as drawn; PNG through a canvas) and public search.
(function () {
  "use strict";

  function chartSvg(name) {
    var figure = document.querySelector('figure[data-chart="' + name + '"]');
    return figure ? figure.querySelector("svg") : null;
  }

  function svgText(svg) {
    var copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    return '<?xml version="1.0" encoding="utf-8"?>\n' + new XMLSerializer().serializeToString(copy);
  }

  function save(blob, filename) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
  }

  function downloadSvg(name) {
    var svg = chartSvg(name);
    if (svg) { save(new Blob([svgText(svg)], { type: "image/svg+xml" }), name + ".svg"); }
  }

  function downloadPng(name) {
    var svg = chartSvg(name);
    if (!svg) { return; }
    var box = svg.viewBox && svg.viewBox.baseVal;
    var width = (box && box.width) || svg.getBoundingClientRect().width;
    var height = (box && box.height) || svg.getBoundingClientRect().height;
    var scale = 2;  // sharp enough for slides
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { save(blob, name + ".png"); }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText(svg));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.dl-svg, button.dl-png");
    if (!button) { return; }
    if (button.classList.contains("dl-svg")) { downloadSvg(button.dataset.chart); }
    else { downloadPng(button.dataset.chart); }
  });

  // the page's words, in its language, come from data-* attributes of the results table
  function runSearch(query) {
    var table = document.getElementById("search-results");
    var total = document.getElementById("search-total");
    var words = table.dataset;
    var STATUS = { current: words.current, upcoming: words.upcoming, withdrawn: words.withdrawn };
    fetch("/api/search?q=" + encodeURIComponent(query) + "&page_size=20")
      .then(function (response) { return response.json(); })
      .then(function (result) {
        var body = table.querySelector("tbody");
        body.textContent = "";
        (result.hits || []).forEach(function (hit) {
          var row = body.insertRow();
          var link = document.createElement("a");
          link.href = "/standard?code=" + encodeURIComponent(hit.code) + "&via=search";
          link.textContent = hit.code;
          row.insertCell().appendChild(link);
          var title = row.insertCell();
          title.textContent = hit.title_zh || hit.title_en || "";
          if (hit.title_zh) { title.lang = "zh-CN"; }
          row.insertCell().textContent = STATUS[hit.status] || hit.status;
        });
        total.textContent = words.total.replace("%(num)s", String(result.total || 0));
        table.hidden = false;
      })
      .catch(function () { total.textContent = words.failed; });
  }

  var printButton = document.getElementById("print-page");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }

  var form = document.getElementById("search-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = document.getElementById("q").value.trim();
      if (query) {
        history.replaceState(null, "", "/?q=" + encodeURIComponent(query));
        runSearch(query);
      }
    });
    var initial = document.getElementById("q").value.trim();
    if (initial) { runSearch(initial); }
  }
})();
