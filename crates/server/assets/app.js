// jixiao pages: the little behaviour that plain HTML lacks. Every page works without it.
(function () {
  "use strict";

  // A finding in the side list scrolls to its cell in the official form and flashes it.
  function flashCell(markerId) {
    var marker = document.getElementById(markerId);
    if (!marker) return false;
    var cell = marker.closest("td, th") || marker;
    cell.scrollIntoView({ behavior: "smooth", block: "center" });
    cell.classList.remove("flash");
    // Restart the animation even when the same cell is clicked twice.
    void cell.offsetWidth;
    cell.classList.add("flash");
    window.setTimeout(function () { cell.classList.remove("flash"); }, 1900);
    return true;
  }

  function markCurrent(item) {
    document.querySelectorAll(".side-list li.current").forEach(function (li) {
      li.classList.remove("current");
    });
    if (item) item.classList.add("current");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-marker]");
    if (link) {
      if (flashCell(link.getAttribute("data-marker"))) {
        event.preventDefault();
        markCurrent(link.closest("li"));
      }
      return;
    }
    // A marker in the form shows its finding in the side list.
    var mark = event.target.closest("sup.mark a");
    if (mark) {
      var n = (mark.id || "").split("-").pop();
      var item = document.getElementById("side-f-" + n);
      if (item) {
        event.preventDefault();
        item.scrollIntoView({ behavior: "smooth", block: "nearest" });
        markCurrent(item);
      }
      return;
    }
    var print = event.target.closest("[data-print]");
    if (print) {
      window.print();
      return;
    }
    // A return must say what to fix; a publication is confirmed.
    var button = event.target.closest("button[data-needs-comment], button[data-confirm]");
    if (button) {
      var form = button.form;
      var comment = form && form.querySelector("textarea[name=comment]");
      if (button.hasAttribute("data-needs-comment") && comment && !comment.value.trim()) {
        event.preventDefault();
        comment.setCustomValidity("退回时须填写意见，说明需要修改的内容");
        comment.reportValidity();
        comment.addEventListener("input", function () { comment.setCustomValidity(""); }, { once: true });
        return;
      }
      if (button.hasAttribute("data-confirm") && !window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  });

  // Select all forms of an import preview.
  var all = document.getElementById("pick-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input.pick").forEach(function (box) { box.checked = all.checked; });
    });
  }

  // Opening a form page at a finding's marker (#m-1-3) flashes that cell.
  if (/^#m-\d+-\d+$/.test(window.location.hash)) {
    flashCell(window.location.hash.slice(1));
  }
})();
