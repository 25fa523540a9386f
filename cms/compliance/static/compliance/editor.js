// Medical advertising findings where the words are: on the field and block they were found in,
// the matched words highlighted, re-checked as the editor types. The server does the checking
// (cms.compliance.live); this script only posts the form and marks the page.
(function () {
  "use strict";

  var form = document.querySelector("form[data-edit-form]") || document.querySelector("#page-edit-form");
  var endpoint = document.querySelector("script#compliance-check-url");
  if (!form || !endpoint) {
    return;
  }
  var url = JSON.parse(endpoint.textContent);
  if (!/\/pages\/(\d+\/edit|add\/articles\/articlepage\/\d+)\//.test(window.location.pathname)) {
    return;
  }
  var match = window.location.pathname.match(/\/pages\/(\d+)\/edit\//);
  var parentMatch = window.location.pathname.match(/\/pages\/add\/articles\/articlepage\/(\d+)\//);
  var timer = null;
  var inFlight = null;

  var badge = document.createElement("button");
  badge.type = "button";
  badge.className = "compliance-badge";
  badge.hidden = true;
  badge.addEventListener("click", function () {
    var first = document.querySelector(".compliance-note--error, .compliance-note");
    if (first) {
      first.scrollIntoView({ behavior: "smooth", block: "center" });
    }
  });
  document.body.appendChild(badge);

  function targetFor(path) {
    var steps = path.split(".");
    var scope = document;
    var found = null;
    if (steps[0] === "title" || steps[0] === "summary") {
      var name = steps[0] === "title" ? "title" : "search_description";
      var input = form.querySelector('[name="' + name + '"]');
      return input ? input.closest("[data-field-wrapper], .w-field__wrapper, .w-panel") : null;
    }
    for (var i = 0; i < steps.length; i++) {
      var next = scope.querySelector('[data-contentpath="' + steps[i] + '"]');
      if (!next) {
        break;
      }
      found = next;
      scope = next;
    }
    return found;
  }

  function blockFor(path) {
    var steps = path.split(".");
    if (steps[0] !== "body" || steps.length < 2) {
      return null;
    }
    var body = document.querySelector('[data-contentpath="body"]');
    return body ? body.querySelector('[data-contentpath="' + steps[1] + '"]') : null;
  }

  function clear() {
    document.querySelectorAll(".compliance-note").forEach(function (note) {
      note.remove();
    });
    document.querySelectorAll(".compliance-flagged--error, .compliance-flagged--warning").forEach(function (el) {
      el.classList.remove("compliance-flagged--error", "compliance-flagged--warning");
    });
  }

  function note(finding, suggestionLabel) {
    var element = document.createElement("div");
    element.className = "compliance-note compliance-note--" + finding.severity;
    element.setAttribute("data-rule", finding.rule);
    element.setAttribute("data-path", finding.path);
    element.setAttribute("role", "note");
    var head = document.createElement("p");
    var label = document.createElement("strong");
    label.textContent = finding.severity_label;
    head.appendChild(label);
    head.appendChild(document.createTextNode(" " + finding.location + " — " + finding.message + " (" + finding.legal_basis + ")"));
    element.appendChild(head);
    if (finding.excerpt_html) {
      var excerpt = document.createElement("p");
      excerpt.className = "compliance-note__excerpt";
      excerpt.innerHTML = finding.excerpt_html; // escaped by the server, only <mark> added
      element.appendChild(excerpt);
    }
    var hint = document.createElement("p");
    hint.className = "compliance-note__suggestion";
    hint.textContent = suggestionLabel + " " + finding.suggestion;
    element.appendChild(hint);
    return element;
  }

  function rangesOf(root, words) {
    var ranges = [];
    if (!words || !root) {
      return ranges;
    }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      if (node.parentElement && node.parentElement.closest(".compliance-note, .error-message, .w-field__errors")) {
        continue;
      }
      var at = node.data.indexOf(words);
      while (at >= 0) {
        var range = new Range();
        range.setStart(node, at);
        range.setEnd(node, at + words.length);
        ranges.push(range);
        at = node.data.indexOf(words, at + words.length);
      }
    }
    return ranges;
  }

  function show(data) {
    clear();
    var highlights = { error: [], warning: [] };
    data.findings.forEach(function (finding) {
      var target = targetFor(finding.path) || document.querySelector('[data-contentpath="body"]');
      if (!target) {
        return;
      }
      target.appendChild(note(finding, data.suggestion_label));
      var block = blockFor(finding.path);
      if (block) {
        block.classList.add("compliance-flagged--" + finding.severity);
      }
      highlights[finding.severity] = highlights[finding.severity].concat(rangesOf(target, finding.match));
    });
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.set("compliance-error", new Highlight(...highlights.error));
      CSS.highlights.set("compliance-warning", new Highlight(...highlights.warning));
    }
    badge.textContent = data.summary;
    badge.hidden = false;
    badge.className = "compliance-badge" + (data.errors ? " compliance-badge--error" : data.warnings ? " compliance-badge--warning" : "");
    document.documentElement.setAttribute("data-compliance-checked", String(Date.now()));
  }

  function check() {
    var data = new FormData(form);
    if (match) {
      data.set("compliance-page-id", match[1]);
    } else if (parentMatch) {
      data.set("compliance-parent-id", parentMatch[1]);
    }
    if (inFlight) {
      inFlight.abort();
    }
    inFlight = new AbortController();
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
      signal: inFlight.signal,
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (result) {
        if (result && result.applies) {
          show(result);
        }
      })
      .catch(function () {});
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 1200);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  // Draftail keeps its text in its own editor and copies it to the form a moment later.
  form.addEventListener("keyup", later);
  window.setTimeout(check, 600);
})();
