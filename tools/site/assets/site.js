// The English and Chinese pages share their anchor ids, so the language
// switch can take the reader to the same place on the other page: the
// anchor in the address bar, or else the anchor at the top of the window.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-keep-place]");
  if (!link) return;
  var id = location.hash.slice(1) || placeOnScreen();
  if (id) link.hash = id;
});

// placeOnScreen is the id of the element that starts closest above the top
// of the window (the deepest one, when several start there).
function placeOnScreen() {
  var place = "", best = -Infinity;
  var marks = document.querySelectorAll("main [id]");
  for (var i = 0; i < marks.length; i++) {
    var top = marks[i].getBoundingClientRect().top;
    if (top <= 8 && top >= best) {
      place = marks[i].id;
      best = top;
    }
  }
  return place;
}
