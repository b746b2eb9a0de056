// The MJML editor (Streamlit custom component v2): a textarea with line numbers and the findings' lines
// marked in the gutter. It sends its text to Python 500 ms after the last keystroke (at once on
// Ctrl+Enter or when it loses focus; Tab indents, Esc then Tab moves on), and never replaces what is
// being typed: the text from Python is put in only when another document opens or Python changed it
// (its revision moved on), keeping cursor and scroll. Python can move it to a line (data.goto =
// {line, nonce}). Streamlit calls this function again on every rerun with the new data, on the same
// element, so the editor is built once and then updated. fitHeight comes from fit.js.

const PAUSE_MS = 500;
const LINE_HEIGHT = 20; // px; equal to the CSS line-height
// Where each document's view was (scroll, selection), by doc: the module outlives the element, so the
// view survives Streamlit mounting the editor anew (a message above it on a full rerun, a page switch).
const views = new Map();

function lineStart(text, line) {
  let index = 0;
  for (let n = 1; n < line && index !== -1; n += 1) {
    index = text.indexOf("\n", index);
    if (index !== -1) index += 1;
  }
  return index === -1 ? text.length : index;
}

function build(root) {
  const gutter = root.querySelector(".gutter-lines");
  const area = root.querySelector("textarea");
  const editor = {
    area,
    doc: undefined,
    revision: undefined,
    gotoNonce: undefined,
    lastSent: "",
    timer: undefined,
    lineCount: 0,
    send: () => {},
  };

  editor.flush = () => {
    clearTimeout(editor.timer);
    editor.timer = undefined;
    if (area.value !== editor.lastSent) {
      editor.lastSent = area.value;
      root.dataset.sent = String(Number(root.dataset.sent || 0) + 1);
      editor.send("value", area.value);
    }
  };
  editor.numberLines = () => {
    const count = area.value.split("\n").length;
    if (count === editor.lineCount) return;
    const html = [];
    for (let n = 1; n <= count; n += 1) html.push(`<div class="ln" data-line="${n}">${n}</div>`);
    gutter.innerHTML = html.join("");
    editor.lineCount = count;
    editor.mark(editor.markers || []);
  };
  editor.mark = (markers) => {
    editor.markers = markers;
    for (const old of gutter.querySelectorAll(".ln.marked")) {
      old.className = "ln";
      old.removeAttribute("title");
    }
    const rank = { error: 3, warning: 2, info: 1 };
    const worst = new Map();
    for (const marker of markers) {
      const seen = worst.get(marker.line);
      const messages = seen ? `${seen.messages}\n${marker.message}` : marker.message;
      const severity =
        seen && rank[seen.severity] >= rank[marker.severity] ? seen.severity : marker.severity;
      worst.set(marker.line, { severity, messages });
    }
    for (const [line, { severity, messages }] of worst) {
      const cell = gutter.querySelector(`.ln[data-line="${line}"]`);
      if (!cell) continue;
      cell.className = `ln marked ${severity}`;
      cell.title = messages;
    }
  };
  editor.scrollTo = (line) => {
    area.scrollTop = Math.max(0, (line - 4) * LINE_HEIGHT);
    gutter.style.transform = `translateY(${-area.scrollTop}px)`;
  };
  editor.goTo = (line, { focus }) => {
    const start = lineStart(area.value, line);
    if (focus) {
      area.focus({ preventScroll: true });
      root.scrollIntoView({ block: "nearest" }); // the editor itself on screen, e.g. from a finding below
    }
    area.setSelectionRange(start, start);
    editor.scrollTo(line);
    root.dataset.line = String(line);
    const cell = gutter.querySelector(`.ln[data-line="${line}"]`);
    if (cell && focus) {
      cell.classList.add("flash");
      setTimeout(() => cell.classList.remove("flash"), 1200);
    }
  };

  area.addEventListener("input", () => {
    editor.numberLines();
    clearTimeout(editor.timer);
    editor.timer = setTimeout(editor.flush, PAUSE_MS);
  });
  let escaped = false; // Esc, then Tab, leaves the editor (as in CodeMirror); Tab alone indents
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      editor.flush();
    } else if (event.key === "Tab" && !event.shiftKey && !escaped && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      document.execCommand("insertText", false, "  "); // an input event, and undo keeps working
    }
    escaped = event.key === "Escape";
  });
  area.addEventListener("blur", editor.flush);
  area.addEventListener("scroll", () => {
    gutter.style.transform = `translateY(${-area.scrollTop}px)`;
  });
  const keep = () => {
    if (editor.doc === undefined) return;
    const { scrollTop, scrollLeft, selectionStart, selectionEnd } = area;
    views.set(editor.doc, { scrollTop, scrollLeft, selectionStart, selectionEnd });
  };
  for (const event of ["scroll", "keyup", "click", "select", "input"]) area.addEventListener(event, keep);
  return editor;
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const root = parentElement.querySelector(".mjml-editor");
  const editor = root.__editor || (root.__editor = build(root));
  const { area } = editor;
  editor.send = setStateValue;
  area.setAttribute("aria-label", data.label || "MJML");

  const phone = window.matchMedia("(max-width: 640px)").matches;
  const resize = () => {
    root.style.height = `${fitHeight(root, { phone, minimum: data.min_height || 240, phoneShare: 0.6 })}px`;
  };
  resize();
  if (!editor.resizing) {
    editor.resizing = true;
    window.addEventListener("resize", resize);
  }

  if (data.doc !== editor.doc) {
    // Another email (or the first time): its text, and the editor on its body or first finding.
    clearTimeout(editor.timer);
    area.value = data.value;
    editor.lastSent = data.value;
    editor.doc = data.doc;
    editor.revision = data.revision;
    editor.gotoNonce = data.goto ? data.goto.nonce : undefined;
    editor.numberLines();
    const view = views.get(data.doc);
    requestAnimationFrame(() => {
      if (!view) {
        editor.goTo(data.open_line || 1, { focus: false });
        return;
      }
      const end = area.value.length;
      area.setSelectionRange(Math.min(view.selectionStart, end), Math.min(view.selectionEnd, end));
      area.scrollTop = view.scrollTop;
      area.scrollLeft = view.scrollLeft;
    });
  } else if (data.revision !== editor.revision) {
    // Python changed the text (a conversion, a reload): put it in, keeping the cursor and the scroll.
    clearTimeout(editor.timer);
    const { selectionStart, selectionEnd, scrollTop } = area;
    area.value = data.value;
    area.setSelectionRange(
      Math.min(selectionStart, data.value.length),
      Math.min(selectionEnd, data.value.length),
    );
    area.scrollTop = scrollTop;
    editor.lastSent = data.value;
    editor.revision = data.revision;
    editor.numberLines();
  }
  editor.mark(data.markers || []);
  if (data.goto && data.goto.nonce !== editor.gotoNonce) {
    editor.gotoNonce = data.goto.nonce;
    editor.goTo(data.goto.line, { focus: true });
  }
  root.dataset.revision = String(data.revision);
}
