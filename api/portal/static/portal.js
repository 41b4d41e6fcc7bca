/* The portal's own small script (no inline script anywhere: CSP-friendly).
 *
 * 1. Live suggestions for a standard code or title: an <input data-suggest> becomes an ARIA
 *    combobox fed by /api/standards/suggest; arrows move, Enter picks, Escape closes.
 * 2. The check before saving: once a code is picked (or typed and left), /api/declarations/check
 *    says whether it is withdrawn, replaced or not yet in force; the warning is shown in the
 *    page's language (message templates come from data-msg-* attributes the server translated)
 *    and the confirmation box is revealed. The server checks again on submit: without this
 *    script the form still works, the warning then comes back with the page.
 */
(function () {
  "use strict";

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, wait);
    };
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] === undefined || values[key] === null ? "" : String(values[key]);
    });
  }

  function statusLabel(input, status) {
    return input.getAttribute("data-status-" + status) || status;
  }

  function setupCheck(input) {
    var box = document.getElementById(input.getAttribute("data-check"));
    if (!box) { return function () {}; }
    var note = box.querySelector("[data-check-note]");
    var confirm = box.querySelector("[data-check-confirm]");
    var last = null;
    return function (code) {
      code = code.trim();
      if (!code || code === last) { return; }
      last = code;
      fetch("/api/declarations/check?code=" + encodeURIComponent(code), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (check) {
        if (!check || code !== last) { return; }
        var lines = check.warnings.map(function (warning) {
          var kind = warning.kind;
          if (kind === "standard_withdrawn" && !check.successors.length) { kind += "-alone"; }
          var template = box.getAttribute("data-msg-" + kind) || warning.kind;
          return fill(template, {
            code: check.standard ? check.standard.code : check.code,
            successors: check.successors.join("、"),
            effective_on: check.standard ? check.standard.effective_on : ""
          });
        });
        note.textContent = lines.join(" ");
        box.hidden = lines.length === 0;
        if (confirm) {
          confirm.hidden = !check.needs_confirmation;
          var checkbox = confirm.querySelector("input[type=checkbox]");
          if (checkbox) { checkbox.checked = false; }
        }
      }).catch(function () { /* the server checks again on submit */ });
    };
  }

  function setupSuggest(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    var check = setupCheck(input);
    var items = [];
    var active = -1;
    var asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var item = items[index];
      if (!item) { return; }
      input.value = item.code;
      close();
      check(item.code);
    }

    function render() {
      list.textContent = "";
      items.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "suggestion status-" + item.status;
        var code = document.createElement("span");
        code.className = "suggestion-code";
        code.textContent = item.code;
        var title = document.createElement("span");
        title.className = "suggestion-title";
        title.textContent = item.title_zh || item.title_en || "";
        var status = document.createElement("span");
        status.className = "suggestion-status";
        status.textContent = statusLabel(input, item.status);
        option.appendChild(code);
        option.appendChild(title);
        option.appendChild(status);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          pick(index);
        });
        list.appendChild(option);
      });
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    var ask = debounce(function () {
      var text = input.value.trim();
      if (text === asked) { return; }
      asked = text;
      if (!text) { items = []; render(); return; }
      fetch("/api/standards/suggest?limit=8&q=" + encodeURIComponent(text), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : { items: [] };
      }).then(function (answer) {
        if (input.value.trim() !== text) { return; }
        items = answer.items;
        render();
      }).catch(function () { items = []; render(); });
    }, 150);

    input.addEventListener("input", ask);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        if (list.hidden && items.length) { list.hidden = false; }
        highlight(Math.min(active + 1, items.length - 1));
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        highlight(Math.max(active - 1, 0));
        event.preventDefault();
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        pick(active);
        event.preventDefault(); // picking is not submitting
      } else if (event.key === "Escape" && !list.hidden) {
        close();
        event.preventDefault();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 100);
      check(input.value);
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setupSuggest);
})();
