// "Select all on this page" on the lists of bulk steps: a box in the header of the pick column
// ticks every row's box (name="ids") of its table. Without this script the box stays hidden
// and each row is ticked by hand; the rows' boxes post the same either way. A static file, not
// an inline script: the Content-Security-Policy allows scripts from the portal's own files only.
(function () {
  "use strict";

  function setUp(all) {
    var table = all.closest("table");
    var boxes = table
      ? Array.prototype.slice.call(table.querySelectorAll('tbody input[type="checkbox"][name="ids"]'))
      : [];
    if (!boxes.length) {
      return; // nothing on this page to tick: the box stays hidden
    }
    function reflect() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (box) {
        if (!box.disabled) {
          box.checked = all.checked;
        }
      });
      reflect();
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", reflect);
    });
    all.hidden = false;
    reflect();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input.tick-all"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
