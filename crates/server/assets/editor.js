// jixiao form editor (/forms/{id}/edit): fills the inputs from the stored form, rescores the form
// while the user types (POST /api/v1/score, debounced), saves it with the version it was loaded
// from (PUT /api/v1/forms/{id}), and on a stale save (409) shows what changed on the server and
// lets the user keep their edits on top of the new version or discard them.
//
// Numbers keep the text they are written with ("40.00" stays "40.00"): the form's JSON is read
// with every number as {"$num": "40.00"} and written back as the bare number.
(function () {
  "use strict";

  var root = document.getElementById("editor");
  if (!root) return;

  var formId = root.getAttribute("data-id");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var tbody = document.getElementById("ed-rows");
  var addButton = document.getElementById("ed-add");
  var saveButton = document.getElementById("ed-save");
  var noteInput = document.getElementById("ed-note");
  var statusLine = document.getElementById("ed-status");
  var versionLabel = document.getElementById("ed-version");
  var conflictPanel = document.getElementById("ed-conflict");
  var busy = document.getElementById("ed-busy");

  // ------------------------------------------------------------------------------------------
  // Exact JSON

  var TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

  function parseExact(text) {
    return JSON.parse(text.replace(TOKEN, function (token) {
      return token.charAt(0) === '"' ? token : '{"$num":"' + token + '"}';
    }));
  }

  function isNum(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value) &&
      typeof value.$num === "string" && Object.keys(value).length === 1;
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !isNum(value);
  }

  function serialize(value) {
    return JSON.stringify(value, function (key, v) { return isNum(v) ? "\u0001num:" + v.$num : v; })
      .replace(/"\\u0001num:([-0-9.eE+]+)"/g, "$1");
  }

  function clone(value) { return value === undefined ? null : JSON.parse(JSON.stringify(value)); }

  function same(a, b) { return serialize(a === undefined ? null : a) === serialize(b === undefined ? null : b); }

  // ------------------------------------------------------------------------------------------
  // Paths: "funds.total.adjusted", "indicators[3].score"

  function keys(path) {
    var out = [];
    path.replace(/([^.[\]]+)|\[(\d+)\]/g, function (_, key, index) {
      out.push(index !== undefined ? Number(index) : key);
      return "";
    });
    return out;
  }

  function get(object, path) {
    return keys(path).reduce(function (value, key) {
      return value === null || value === undefined ? undefined : value[key];
    }, object);
  }

  function set(object, path, value) {
    var list = keys(path);
    var target = object;
    for (var i = 0; i < list.length - 1; i++) {
      if (target[list[i]] === null || typeof target[list[i]] !== "object") target[list[i]] = {};
      target = target[list[i]];
    }
    target[list[list.length - 1]] = value;
  }

  var WORDS = {
    year: "年度", project: "项目名称", department: "主管部门", implementing_unit: "实施单位",
    funds: "项目资金", appropriation: "当年财政拨款", carryover: "上年结转资金", other: "其他资金",
    initial: "年初预算数", adjusted: "全年预算数", executed: "全年执行数", rate: "执行率",
    execution: "预算执行", weight: "分值", score: "得分", goals: "年度总体目标",
    expected: "预期目标", actual: "实际完成", indicators: "绩效指标", level1: "一级指标",
    level2: "二级指标", name: "三级指标", target: "年度指标值",
    note: "偏差原因分析及改进措施", grade: "评分等级"
  };

  // A JSON path in the form's own words: indicators[2].score is “绩效指标 · 第3项 · 得分”.
  function pathLabel(path) {
    var inFunds = false;
    var words = [];
    keys(path).forEach(function (key) {
      if (typeof key === "number") { words.push("第" + (key + 1) + "项"); return; }
      if (key === "funds") inFunds = true;
      if (key === "total") { words.push(inFunds ? "年度资金总额" : "总分"); return; }
      words.push(WORDS[key] || key);
    });
    return words.join(" · ");
  }

  function shown(value) {
    if (value === null || value === undefined || value === "") return "（空）";
    if (isNum(value)) return value.$num;
    if (typeof value === "object") return Array.isArray(value) ? "（" + value.length + " 项）" : "（一组数值）";
    return String(value);
  }

  // ------------------------------------------------------------------------------------------
  // State

  var state = {
    version: Number(root.getAttribute("data-version")),
    base: parseExact(root.getAttribute("data-form")),
    model: null,
    saved: "",
    dirty: false,
    invalid: {},
    flags: {},
    seq: 0,
    timer: null
  };
  state.model = clone(state.base);
  state.saved = serialize(state.model);

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "ed-status" + (kind ? " " + kind : "");
  }

  function setDirty() {
    var was = state.dirty;
    state.dirty = serialize(state.model) !== state.saved;
    root.classList.toggle("dirty", state.dirty);
    if (state.dirty) setStatus("有未保存的修改", "pending");
    else if (was) setStatus("没有未保存的修改", "");
  }

  window.addEventListener("beforeunload", function (event) {
    if (state.dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // ------------------------------------------------------------------------------------------
  // Inputs

  function display(value) {
    if (value === null || value === undefined) return "";
    if (isNum(value)) return value.$num;
    return String(value);
  }

  function fill(input) {
    var value = display(get(state.model, input.getAttribute("data-path")));
    if (input.tagName === "SELECT" && value !== "" &&
        !Array.prototype.some.call(input.options, function (o) { return o.value === value; })) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      input.appendChild(option);
    }
    input.value = value;
    setInvalid(input, false);
  }

  function fillAll() {
    state.invalid = {};
    root.querySelectorAll(".editor-main [data-path]").forEach(function (input) {
      if (!input.closest("#ed-rows")) fill(input);
    });
    renderRows();
  }

  // Full-width digits and punctuation from Chinese input methods, thousands separators and a
  // trailing percent sign are accepted.
  function normalNumber(text) {
    return text.replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/．/g, ".").replace(/[－—]/g, "-").replace(/[,，\s]/g, "").replace(/[%％]$/, "");
  }

  function setInvalid(input, invalid) {
    var path = input.getAttribute("data-path");
    if (invalid) state.invalid[path] = true; else delete state.invalid[path];
    if (invalid) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    input.title = invalid ? "请输入数字，例如 10 或 8.50" : (input.getAttribute("data-finding") || "");
  }

  function read(input) {
    var path = input.getAttribute("data-path");
    var kind = input.getAttribute("data-kind");
    var text = input.value;
    if (kind === "num") {
      var number = normalNumber(text);
      if (number === "") { setInvalid(input, false); set(state.model, path, null); return; }
      if (/^-?\d+(\.\d+)?$/.test(number)) { setInvalid(input, false); set(state.model, path, { $num: number }); return; }
      setInvalid(input, true);
      set(state.model, path, null);
      return;
    }
    if (kind === "int") {
      var year = normalNumber(text);
      if (/^\d{4}$/.test(year)) { setInvalid(input, false); set(state.model, path, { $num: year }); return; }
      setInvalid(input, true);
      return;
    }
    set(state.model, path, text);
  }

  function changed() {
    setDirty();
    scheduleScore();
  }

  root.addEventListener("input", function (event) {
    var input = event.target.closest("[data-path]");
    if (!input || !root.contains(input)) return;
    read(input);
    changed();
  });

  // A number is shown as it will be saved once the user leaves it.
  root.addEventListener("change", function (event) {
    var input = event.target.closest("[data-kind]");
    if (input && !state.invalid[input.getAttribute("data-path")]) {
      var value = get(state.model, input.getAttribute("data-path"));
      if (isNum(value)) input.value = value.$num;
    }
  });

  // ------------------------------------------------------------------------------------------
  // Indicator rows

  var COLUMNS = [
    ["level1", "一级指标"], ["level2", "二级指标"], ["name", "三级指标"], ["target", "年度指标值"],
    ["actual", "实际完成值"], ["weight", "分值", true], ["score", "得分", true]
  ];

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function rowInput(index, key, label, numeric) {
    var input = element("input", numeric ? "num" : "");
    input.type = "text";
    input.setAttribute("data-path", "indicators[" + index + "]." + key);
    input.setAttribute("aria-label", "第" + (index + 1) + "项 " + label);
    if (numeric) {
      input.setAttribute("data-kind", "num");
      input.setAttribute("inputmode", "decimal");
    }
    fill(input);
    return input;
  }

  function rowButton(action, index, text, label) {
    var button = element("button", "tiny", text);
    button.type = "button";
    button.setAttribute("data-act", action);
    button.setAttribute("data-row", String(index));
    button.setAttribute("aria-label", label);
    button.title = label;
    return button;
  }

  function renderRows(focusSelector) {
    var indicators = state.model.indicators || [];
    tbody.textContent = "";
    indicators.forEach(function (indicator, index) {
      var tr = element("tr");
      tr.setAttribute("data-row", String(index));
      tr.appendChild(element("td", "num row-no", String(index + 1)));
      COLUMNS.forEach(function (column) {
        var td = element("td");
        td.appendChild(rowInput(index, column[0], column[1], column[2]));
        tr.appendChild(td);
      });
      var rule = element("td", "num rule-value", "—");
      rule.setAttribute("data-rule", String(index));
      tr.appendChild(rule);
      var note = element("td");
      note.appendChild(rowInput(index, "note", "偏差原因分析及改进措施", false));
      tr.appendChild(note);
      var actions = element("td", "row-actions");
      var n = "第" + (index + 1) + "项";
      actions.appendChild(rowButton("up", index, "↑", "上移" + n));
      actions.appendChild(rowButton("down", index, "↓", "下移" + n));
      actions.appendChild(rowButton("remove", index, "删除", "删除" + n));
      tr.appendChild(actions);
      tbody.appendChild(tr);
    });
    applyFlags();
    showRules();
    if (focusSelector) {
      var target = tbody.querySelector(focusSelector) || addButton;
      target.focus();
    }
  }

  function structureChanged(focusSelector) {
    state.flags = {};
    state.rules = null;
    renderRows(focusSelector);
    changed();
  }

  function moveRow(index, direction, focusKey) {
    var list = state.model.indicators;
    var to = index + direction;
    if (to < 0 || to >= list.length) return;
    var row = list[index];
    list[index] = list[to];
    list[to] = row;
    var selector = focusKey
      ? '[data-path="indicators[' + to + "]." + focusKey + '"]'
      : 'button[data-act="' + (direction < 0 ? "up" : "down") + '"][data-row="' + to + '"]';
    structureChanged(selector);
    setStatus("已将第" + (index + 1) + "项移到第" + (to + 1) + "项", "pending");
  }

  function removeRow(index) {
    var list = state.model.indicators;
    var row = list[index];
    if (row && row.name && !window.confirm("删除第" + (index + 1) + "项指标“" + row.name + "”？")) return;
    list.splice(index, 1);
    var next = Math.min(index, list.length - 1);
    structureChanged(next >= 0 ? '[data-path="indicators[' + next + '].name"]' : null);
    if (next < 0) addButton.focus();
  }

  function addRow() {
    var list = state.model.indicators || (state.model.indicators = []);
    var last = list[list.length - 1];
    list.push({
      level1: last ? last.level1 : "产出指标",
      level2: last ? last.level2 : "数量指标",
      name: "", target: "", actual: "", weight: null, score: null, note: ""
    });
    structureChanged('[data-path="indicators[' + (list.length - 1) + '].name"]');
  }

  tbody.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-act]");
    if (!button) return;
    var index = Number(button.getAttribute("data-row"));
    var action = button.getAttribute("data-act");
    if (action === "up") moveRow(index, -1);
    else if (action === "down") moveRow(index, 1);
    else if (action === "remove") removeRow(index);
  });
  addButton.addEventListener("click", addRow);

  // ------------------------------------------------------------------------------------------
  // Keyboard: Enter moves down a table column, Shift+Enter up; Alt+↑/↓ moves an indicator row;
  // Ctrl+S saves.

  function cellInput(row, column) {
    var cell = row.children[column];
    return cell ? cell.querySelector("input, select") : null;
  }

  function moveVertically(input, direction) {
    var cell = input.closest("td");
    var row = cell.parentElement;
    var column = Array.prototype.indexOf.call(row.children, cell);
    var next = row;
    do {
      next = direction > 0 ? next.nextElementSibling : next.previousElementSibling;
    } while (next && !cellInput(next, column));
    if (next) {
      var target = cellInput(next, column);
      target.focus();
      if (target.select) target.select();
    } else if (direction > 0 && input.closest("#ed-rows")) {
      addButton.focus();
    }
  }

  root.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      save();
      return;
    }
    if (target.tagName !== "INPUT") return;
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      if (target.closest("table.grid-edit")) moveVertically(target, event.shiftKey ? -1 : 1);
      return;
    }
    var row = target.closest("#ed-rows tr");
    if (row && event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      var key = (target.getAttribute("data-path") || "").split(".").pop();
      moveRow(Number(row.getAttribute("data-row")), event.key === "ArrowUp" ? -1 : 1, key);
    }
  });

  // ------------------------------------------------------------------------------------------
  // API

  function api(method, url, body) {
    var headers = { "X-CSRF-Token": csrf, "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, { method: method, headers: headers, body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (text) {
          var json = null;
          try { json = JSON.parse(text); } catch (e) { json = null; }
          return { status: response.status, ok: response.ok, text: text, body: json || {} };
        });
      });
  }

  // ------------------------------------------------------------------------------------------
  // Live rescoring

  var SEVERITY = { error: "错误", warning: "警告", info: "提示" };
  var RANK = { info: 1, warning: 2, error: 3 };

  // #editor[data-audit] is "pending" from a change until its result is shown, then "done".
  function scheduleScore() {
    window.clearTimeout(state.timer);
    root.setAttribute("data-audit", "pending");
    state.timer = window.setTimeout(rescore, 400);
  }

  function rescore() {
    window.clearTimeout(state.timer);
    state.timer = null;
    root.setAttribute("data-audit", "pending");
    var seq = ++state.seq;
    busy.textContent = "计算中…";
    api("POST", "/api/v1/score", serialize(state.model)).then(function (response) {
      if (seq !== state.seq) return;
      busy.textContent = "";
      root.setAttribute("data-audit", "done");
      if (!response.ok) {
        document.getElementById("ed-findings").innerHTML = "";
        document.getElementById("ed-findings").appendChild(
          element("p", "notice error", response.body.message || "无法计算（HTTP " + response.status + "）"));
        return;
      }
      showScore(parseExact(response.text));
    }, function () {
      if (seq === state.seq) {
        busy.textContent = "无法连接服务器";
        root.setAttribute("data-audit", "done");
      }
    });
  }

  function text(value) { return value === null || value === undefined ? "—" : display(value); }

  function gradeTag(grade) {
    var classes = { "优": "g-a", "良": "g-b", "中": "g-c", "差": "g-d" };
    var value = (grade || "").trim();
    return element("span", "grade " + (classes[value] || "g-none"), value || "—");
  }

  function put(id, node) {
    var cell = document.getElementById(id);
    cell.textContent = "";
    cell.appendChild(typeof node === "string" ? document.createTextNode(node) : node);
  }

  function showScore(data) {
    var report = data.report;
    put("ed-reported-total", text(report.reported.total));
    put("ed-reported-grade", gradeTag(report.reported.grade));
    put("ed-rule-total", text(report.rule.total));
    put("ed-rule-grade", gradeTag(report.rule.grade));
    var gapCell = document.getElementById("ed-gap");
    if (isNum(report.reported.total) && isNum(report.rule.total)) {
      var gap = Math.round((Number(report.rule.total.$num) - Number(report.reported.total.$num)) * 100) / 100;
      put("ed-gap", gap === 0 ? "0.00" : (gap > 0 ? "+" : "\u2212") + Math.abs(gap).toFixed(2));
      gapCell.classList.toggle("off", gap !== 0);
    } else {
      put("ed-gap", "—");
      gapCell.classList.remove("off");
    }
    var differs = (report.reported.grade || "").trim() !== (report.rule.grade || "").trim();
    put("ed-grade-match", differs ? element("span", "differs", "等级不符") : element("span", "muted", "一致"));
    put("ed-rule-execution", text(report.rule.execution_score));
    ["error", "warning", "info"].forEach(function (severity) {
      document.getElementById("ed-count-" + severity).textContent =
        SEVERITY[severity] + " " + display(data.counts[severity]);
    });
    state.rules = data.indicators;
    showRules();

    state.flags = {};
    var box = document.getElementById("ed-findings");
    box.textContent = "";
    if (!report.findings.length) {
      box.appendChild(element("p", "ok-text", "未发现问题：各项数值与规则计算一致。"));
    } else {
      var list = element("ol", "side-list");
      report.findings.forEach(function (finding, index) {
        var path = data.fields[index] || "";
        var flag = state.flags[path] || (state.flags[path] = { severity: "info", messages: [] });
        if (RANK[finding.severity] > RANK[flag.severity]) flag.severity = finding.severity;
        flag.messages.push(SEVERITY[finding.severity] + "：" + finding.message);
        var item = element("li", "finding sev-" + finding.severity);
        var link = element("a", "finding-link");
        link.href = "#";
        link.setAttribute("data-goto", path);
        link.appendChild(element("span", "no", String(index + 1)));
        link.appendChild(element("span", "sev", SEVERITY[finding.severity]));
        var body = element("span", "text");
        var match = /^indicators\[(\d+)\]/.exec(path);
        var place = match ? "第" + (Number(match[1]) + 1) + "项 " + finding.where : pathLabel(finding.where);
        body.appendChild(element("span", "place", place));
        body.appendChild(element("span", "msg", finding.message));
        body.appendChild(element("code", "", finding.code));
        link.appendChild(body);
        item.appendChild(link);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    applyFlags();
  }

  function showRules() {
    tbody.querySelectorAll("[data-rule]").forEach(function (cell) {
      var rule = state.rules ? state.rules[Number(cell.getAttribute("data-rule"))] : undefined;
      cell.textContent = rule === undefined ? "…" : text(rule);
    });
  }

  function flagTarget(path) {
    if (path === "indicators") return document.querySelector("#ed-indicators > h2");
    return root.querySelector('.editor-main [data-path="' + path + '"]');
  }

  function applyFlags() {
    root.querySelectorAll(".flag-error, .flag-warning, .flag-info").forEach(function (node) {
      node.classList.remove("flag-error", "flag-warning", "flag-info");
    });
    root.querySelectorAll("[data-finding]").forEach(function (input) {
      input.removeAttribute("data-finding");
      if (!state.invalid[input.getAttribute("data-path")]) input.title = "";
    });
    Object.keys(state.flags).forEach(function (path) {
      var target = flagTarget(path);
      if (!target) return;
      var flag = state.flags[path];
      var holder = target.closest("td, .field") || target;
      holder.classList.add("flag-" + flag.severity);
      if (target.matches("input, select, textarea")) {
        target.setAttribute("data-finding", flag.messages.join("\n"));
        if (!state.invalid[path]) target.title = flag.messages.join("\n");
      }
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-goto]");
    if (!link) return;
    event.preventDefault();
    var target = flagTarget(link.getAttribute("data-goto"));
    if (!target) return;
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    if (target.focus) target.focus({ preventScroll: true });
    var holder = target.closest("td, .field") || target;
    holder.classList.remove("flash");
    void holder.offsetWidth;
    holder.classList.add("flash");
    window.setTimeout(function () { holder.classList.remove("flash"); }, 1900);
  });

  // ------------------------------------------------------------------------------------------
  // Saving, and a save that came too late

  function save() {
    var invalid = Object.keys(state.invalid);
    if (invalid.length) {
      setStatus("有 " + invalid.length + " 处数值格式不正确，请修改后再保存", "error");
      var first = flagTarget(invalid[0]);
      if (first) first.focus();
      return;
    }
    // The findings shown are those of what is being saved.
    if (state.timer !== null) rescore();
    saveButton.disabled = true;
    setStatus("正在保存…", "pending");
    var note = noteInput.value.trim() || "修改";
    var body = '{"version":' + state.version + ',"form":' + serialize(state.model) +
      ',"note":' + JSON.stringify(note) + "}";
    api("PUT", "/api/v1/forms/" + formId, body).then(function (response) {
      saveButton.disabled = false;
      if (response.status === 200) {
        state.version = response.body.record.version;
        state.base = clone(state.model);
        state.saved = serialize(state.model);
        setDirty();
        noteInput.value = "";
        versionLabel.textContent = "基于第 " + state.version + " 版";
        conflictPanel.hidden = true;
        setStatus("已保存为第 " + state.version + " 版", "ok");
        rescore();
      } else if (response.status === 409 && response.body.code === "stale") {
        setStatus("保存未成功：该表已被他人修改", "error");
        showConflict(Number(response.body.version));
      } else {
        setStatus(response.body.message || "保存失败（HTTP " + response.status + "）", "error");
      }
    }, function () {
      saveButton.disabled = false;
      setStatus("无法连接服务器，修改尚未保存", "error");
    });
  }
  saveButton.addEventListener("click", save);

  // The leaf values that differ between two forms, by path.
  function changes(before, after, path, out) {
    if (isObject(before) && isObject(after)) {
      Object.keys(before).forEach(function (key) {
        changes(before[key], after[key], path ? path + "." + key : key, out);
      });
      Object.keys(after).forEach(function (key) {
        if (!(key in before)) changes(null, after[key], path ? path + "." + key : key, out);
      });
    } else if (Array.isArray(before) && Array.isArray(after)) {
      for (var i = 0; i < Math.max(before.length, after.length); i++) {
        changes(before[i], after[i], path + "[" + i + "]", out);
      }
    } else if (!same(before, after)) {
      out[path] = { before: before === undefined ? null : before, after: after === undefined ? null : after };
    }
    return out;
  }

  // Three-way merge: what only one side changed is taken from that side; where both changed,
  // the user's value is kept. An indicator list whose length changed on either side is taken
  // whole from the user when they changed it.
  function merge(base, mine, theirs) {
    if (same(mine, base)) return clone(theirs);
    if (same(theirs, base) || same(mine, theirs)) return clone(mine);
    if (isObject(base) && isObject(mine) && isObject(theirs)) {
      var out = {};
      Object.keys(mine).concat(Object.keys(theirs).filter(function (k) { return !(k in mine); }))
        .forEach(function (key) {
          var value = merge(base[key], mine[key], theirs[key]);
          if (value !== undefined) out[key] = value;
        });
      return out;
    }
    if (Array.isArray(base) && Array.isArray(mine) && Array.isArray(theirs) &&
        base.length === mine.length && mine.length === theirs.length) {
      return mine.map(function (value, i) { return merge(base[i], value, theirs[i]); });
    }
    return clone(mine);
  }

  function cellText(row, value, className) {
    var cell = element("td", className, shown(value));
    row.appendChild(cell);
    return cell;
  }

  function showConflict(current) {
    var from = state.version;
    Promise.all([
      api("GET", "/api/v1/forms/" + formId + "/diff?from=" + from + "&to=" + current),
      api("GET", "/api/v1/forms/" + formId + "/versions/" + current)
    ]).then(function (responses) {
      if (!responses[0].ok || !responses[1].ok) {
        setStatus("保存未成功：该表已被他人修改为第 " + current + " 版，且无法读取其内容，请刷新页面", "error");
        return;
      }
      var diff = parseExact(responses[0].text);
      var latest = parseExact(responses[1].text);
      var theirs = latest.form;
      var mine = changes(state.base, state.model, "", {});
      var theirChanges = diff.changes.filter(function (change) {
        var a = change.before, b = change.after;
        return !(isNum(a) && isNum(b) && Number(a.$num) === Number(b.$num));
      });
      var both = 0;

      conflictPanel.textContent = "";
      var title = element("h2", "", "保存未成功：在您编辑期间，该表已被他人修改");
      title.id = "ed-conflict-title";
      conflictPanel.appendChild(title);
      var author = latest.author_name ? "（" + latest.author_name + "保存）" : "";
      conflictPanel.appendChild(element("p", "",
        "您是基于第 " + from + " 版编辑的；服务器上现在是第 " + current + " 版" + author +
        "。为避免覆盖他人的修改，您的修改尚未保存。以下是第 " + from + " 版到第 " + current + " 版的变化："));
      var table = element("table", "data compact conflict-table");
      var head = element("tr");
      ["位置", "第 " + from + " 版", "第 " + current + " 版（他人修改）", "您的修改"].forEach(function (label) {
        var th = element("th", "", label);
        th.scope = "col";
        head.appendChild(th);
      });
      table.appendChild(element("thead")).appendChild(head);
      var rows = table.appendChild(element("tbody"));
      theirChanges.forEach(function (change) {
        var row = element("tr");
        cellText(row, pathLabel(change.path));
        cellText(row, change.before, "before");
        cellText(row, change.after, "after");
        var own = Object.keys(mine).filter(function (p) {
          return p === change.path || p.indexOf(change.path + ".") === 0 || p.indexOf(change.path + "[") === 0 ||
            change.path.indexOf(p + ".") === 0 || change.path.indexOf(p + "[") === 0;
        });
        if (own.length) {
          both++;
          row.className = "clash";
          var cell = cellText(row, own.length === 1 ? mine[own[0]].after : null, "mine");
          if (own.length > 1) cell.textContent = own.length + " 处";
          cell.appendChild(element("span", "clash-tag", "冲突"));
        } else {
          cellText(row, null, "muted").textContent = "未改动";
        }
        rows.appendChild(row);
      });
      if (!theirChanges.length) {
        var empty = element("tr");
        var cell = element("td", "muted", "内容相同（仅版本号不同）");
        cell.colSpan = 4;
        empty.appendChild(cell);
        rows.appendChild(empty);
      }
      conflictPanel.appendChild(table);
      var mineCount = Object.keys(mine).length;
      conflictPanel.appendChild(element("p", "small",
        "他人修改 " + theirChanges.length + " 处；您修改 " + mineCount + " 处" +
        (both ? "，其中 " + both + " 处两人都改了（标为“冲突”）" : "，没有重叠") + "。"));
      var buttons = element("div", "buttons");
      var keep = element("button", "primary", "保留我的修改，在第 " + current + " 版上继续");
      keep.type = "button";
      keep.id = "ed-keep";
      var discard = element("button", "danger", "放弃我的修改，载入第 " + current + " 版");
      discard.type = "button";
      discard.id = "ed-discard";
      buttons.appendChild(keep);
      buttons.appendChild(discard);
      conflictPanel.appendChild(buttons);
      conflictPanel.appendChild(element("p", "hint",
        "保留：他人修改而您未改动的内容采用第 " + current + " 版，两人都改了的位置保留您的值；合并后尚未保存，请检查后再点击“保存”。" +
        "放弃：载入第 " + current + " 版，您的修改将丢失。"));

      keep.addEventListener("click", function () {
        state.model = merge(state.base, state.model, theirs);
        adopt(current, theirs);
        setStatus("已将您的修改放在第 " + current + " 版之上，尚未保存；请检查后点击“保存”", "pending");
      });
      discard.addEventListener("click", function () {
        if (!window.confirm("放弃您的全部修改，载入第 " + current + " 版？")) return;
        state.model = clone(theirs);
        adopt(current, theirs);
        setStatus("已载入第 " + current + " 版，您的修改已放弃", "ok");
      });

      conflictPanel.hidden = false;
      conflictPanel.scrollIntoView({ block: "start" });
      keep.focus({ preventScroll: true });
    });
  }

  // Takes `theirs` (version `number`) as the version the editor is based on.
  function adopt(number, theirs) {
    state.version = number;
    state.base = clone(theirs);
    state.saved = serialize(theirs);
    state.flags = {};
    versionLabel.textContent = "基于第 " + number + " 版";
    conflictPanel.hidden = true;
    fillAll();
    setDirty();
    rescore();
  }

  // ------------------------------------------------------------------------------------------
  // Start

  fillAll();
  setStatus("尚未修改", "");
  rescore();
})();
