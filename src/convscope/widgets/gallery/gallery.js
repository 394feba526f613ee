// The `gallery` widget: every catalog kernel applied to a photograph. The pictures are computed
// by the server (GET /api/gallery/<photo>/<kernel>.jpg, or POST /api/gallery/upload for your
// own picture, answered as data: URLs and kept only in this page's memory); they load lazily,
// so the lesson stays light until the gallery is on screen.

import { appendEquation, choice, h, keepFocus, numberGrid, panel, redrawnOnChange } from "../_common/_grid.js";
import { markStale } from "../_common/_stale.js";

function send(model, changes, el = null) {
  if (el) markStale(el, [...el.querySelectorAll(".cs-gallery-main, .cs-kernel-words")]);
  model.set("inputs", { ...model.get("inputs"), ...changes });
  model.save_changes();
}

function picture(src, alt, photo, className = "") {
  const img = h("img", className);
  img.src = src;
  img.alt = alt;
  img.loading = "lazy";
  img.decoding = "async";
  if (photo) { img.width = photo.width; img.height = photo.height; }
  return img;
}

class Gallery {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.uploaded = null;  // { name, original, kernels: { name: { large, thumb } } }
  }

  get photo() {
    return this.uploaded ? null : this.model.get("photos").find((p) => p.name === this.model.get("inputs").photo);
  }

  get kernel() { return this.model.get("kernels").find((k) => k.name === this.model.get("inputs").kernel); }

  draw() {
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), this.main(), this.words(), this.compare()));
  }

  controls() {
    const inputs = this.model.get("inputs");
    const box = h("div", "cs-controls");
    const photos = this.model.get("photos").map((p) => [p.name, p.name]);
    const photoChoice = choice("photograph", "photo", this.uploaded ? [["", "your picture"], ...photos] : photos,
      this.uploaded ? "" : inputs.photo, (value) => {
        if (!value) return;
        this.uploaded = null;
        send(this.model, { photo: value });
        this.draw();
      });
    const kernels = this.model.get("kernels").map((k) => [k.name, k.title]);
    box.append(photoChoice, choice("kernel", "kernel", kernels, inputs.kernel, (value) => send(this.model, { kernel: value }, this.el)));
    box.append(this.uploadControl());
    return box;
  }

  uploadControl() {
    const { max_megabytes: megabytes, field } = this.model.get("upload");
    const label = h("label", "cs-upload", `your own picture (PNG, JPEG, GIF, WebP, BMP; up to ${megabytes} MB)`);
    const file = h("input");
    file.type = "file";
    file.accept = "image/*";
    file.dataset.key = "upload";
    file.addEventListener("change", () => file.files[0] && this.upload(file.files[0]));
    const error = h("output", "cs-field-error");
    error.dataset.errorFor = field;
    label.append(file, error);
    return label;
  }

  async upload(file) {
    if (!this.model.get("upload").url) {  // an exported page: no server to filter the picture
      this.showUploadError("Filtering your own picture needs convscope's engine: run `convscope serve`.");
      return;
    }
    const body = new FormData();
    body.append(this.model.get("upload").field, file);
    this.el.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(this.model.get("upload").url, { method: "POST", body });
      const answer = await response.json();
      if (!response.ok) { this.showUploadError(answer.detail); return; }
      this.uploaded = { name: file.name, ...answer };
      this.draw();
    } catch (error) {
      this.showUploadError(`The server did not answer: ${error.message}`);
    } finally {
      this.el.removeAttribute("aria-busy");
    }
  }

  showUploadError(text) {
    const slot = this.el.querySelector(`[data-error-for="${this.model.get("upload").field}"]`);
    if (slot) slot.textContent = text;
  }

  sources(kernelName) {
    if (this.uploaded) return { original: this.uploaded.original, ...this.uploaded.kernels[kernelName] };
    const large = this.model.get("large");
    return { original: large.original, large: large.filtered, thumb: this.model.get("thumbs")[kernelName] };
  }

  main() {
    const kernel = this.kernel;
    const source = this.sources(kernel.name);
    const what = this.uploaded ? `your picture (${this.uploaded.name})` : this.photo.credit;
    const row = h("div", "cs-row cs-gallery-main");
    const original = h("figure", "cs-photo");
    original.append(picture(source.original, `Original: ${what}`, this.photo), h("figcaption", "cs-caption", `Original: ${what}`));
    const weights = panel(`Kernel: ${kernel.title}`);
    const name = `${kernel.title} kernel`;
    weights.slot.append(numberGrid(kernel.values, {
      role: "kernel", name, small: true, label: (r, c, text) => `${name} row ${r}, column ${c}: ${text}`,
    }));
    const filtered = h("figure", "cs-photo");
    filtered.append(picture(source.large, `${what}, filtered by ${kernel.title}`, this.photo, "cs-filtered"),
      h("figcaption", "cs-caption", `Filtered by ${kernel.title} (${kernel.shown})`));
    appendEquation(row, original, "⋆", weights.box, "=", filtered);
    if (this.uploaded) {
      const note = h("p", "cs-caption", "Your picture was filtered on this computer and is not kept by the server; choose a photograph to go back.");
      const box = h("div");
      box.append(row, note);
      return box;
    }
    return row;
  }

  words() {
    const kernel = this.kernel;
    const box = h("dl", "cs-kernel-words");
    const entry = (term, content) => {
      const dd = h("dd");
      if (typeof content === "string") dd.textContent = content; else dd.append(content);
      box.append(h("dt", "", term), dd);
    };
    entry("What it responds to", kernel.detects);
    const formula = h("div", "cs-math");
    formula.innerHTML = kernel.formula_mathml;  // MathML rendered by the server
    entry("Formula", formula);
    entry("In deep learning", kernel.deep_learning);
    entry("How the picture is shown", kernel.shown_words);
    return box;
  }

  compare() {
    const box = h("section", "cs-compare");
    box.append(h("h3", "", "Compare all kernels"));
    const grid = h("div", "cs-thumbs");
    for (const kernel of this.model.get("kernels")) {
      const item = h("button", "cs-thumb");
      item.type = "button";
      item.dataset.key = `thumb-${kernel.name}`;
      item.setAttribute("aria-pressed", String(kernel.name === this.kernel.name));
      item.append(picture(this.sources(kernel.name).thumb, "", this.photo), h("span", "", kernel.title));
      item.addEventListener("click", () => send(this.model, { kernel: kernel.name }, this.el));
      grid.append(item);
    }
    box.append(grid);
    return box;
  }
}

export default { render: redrawnOnChange((model, el, gallery) => gallery.draw(), (model, el) => new Gallery(model, el)) };
