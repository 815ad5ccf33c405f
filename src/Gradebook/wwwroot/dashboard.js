// Gradebook's dashboard: the pages are complete without this script; it keeps them live from GET /scores/live.
"use strict";

(() => {
  const status = document.getElementById("live-status");
  const home = document.querySelector("[data-live]");
  const examPage = document.querySelector("[data-live-exam]");
  if (!status || (!home && !examPage) || !("EventSource" in window)) {
    return;
  }

  const percent = (score) => (score * 100).toFixed(1) + "%";
  const studentLink = (id) => "/student?id=" + encodeURIComponent(id);
  const link = (href, text) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  };

  const query = examPage ? "?exam=" + encodeURIComponent(examPage.dataset.liveExam) : "";
  const source = new EventSource("/scores/live" + query);
  source.onopen = () => { status.textContent = "Live: new results appear as they are stored."; };
  source.onerror = () => { status.textContent = "Reconnecting to live updates…"; };
  source.addEventListener("result", (message) => {
    const result = JSON.parse(message.data);
    if (home) {
      addToTicker(result);
      updateExamRow(result);
    } else {
      updateExam(result);
    }
  });

  function addToTicker(result) {
    const ticker = document.getElementById("ticker");
    const item = document.createElement("li");
    const score = document.createElement("strong");
    score.textContent = percent(result.score);
    item.append(link(studentLink(result.studentId), result.studentId), " ", score, " in ",
      link("/exam/" + result.exam, "exam " + result.exam));
    item.className = "fresh";
    ticker.prepend(item);
    while (ticker.children.length > 25) {
      ticker.lastElementChild.remove();
    }
    document.querySelector(".ticker + .empty")?.remove();
  }

  function updateExamRow(result) {
    const body = document.getElementById("exams");
    let row = body.querySelector(`tr[data-exam="${result.exam}"]`);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.exam = result.exam;
      const name = document.createElement("td");
      name.append(link("/exam/" + result.exam, String(result.exam)));
      const count = document.createElement("td");
      count.className = "num";
      count.dataset.field = "count";
      const average = document.createElement("td");
      average.className = "num";
      average.dataset.field = "average";
      row.append(name, count, average);
      const after = [...body.rows].find((r) => Number(r.dataset.exam) < result.exam);
      body.insertBefore(row, after ?? null);
    }
    row.querySelector('[data-field="count"]').textContent = result.examStudentCount;
    row.querySelector('[data-field="average"]').textContent = percent(result.examAverage);
  }

  function updateExam(result) {
    const body = document.getElementById("results");
    let row = [...body.rows].find((r) => r.dataset.student === result.studentId);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.student = result.studentId;
      const name = document.createElement("td");
      name.append(link(studentLink(result.studentId), result.studentId));
      const score = document.createElement("td");
      score.className = "num";
      row.append(name, score);
      body.append(row);
    }
    row.dataset.score = result.score;
    row.cells[1].textContent = percent(result.score);
    row.className = "fresh";
    sortRows(body);

    const scores = [...body.rows].map((r) => Number(r.dataset.score)).sort((a, b) => a - b);
    setField("count", result.examStudentCount);
    setField("average", percent(result.examAverage));
    setField("min", percent(scores[0]));
    setField("p25", percent(percentile(scores, 0.25)));
    setField("p50", percent(percentile(scores, 0.5)));
    setField("p75", percent(percentile(scores, 0.75)));
    setField("max", percent(scores[scores.length - 1]));
    drawHistogram(scores);
  }

  function sortRows(body) {
    const rows = [...body.rows];
    const byScore = (a, b) => Number(a.dataset.score) - Number(b.dataset.score);
    const byStudent = (a, b) => (a.dataset.student < b.dataset.student ? -1 : a.dataset.student > b.dataset.student ? 1 : 0);
    const order = body.dataset.sort === "student" ? byStudent
      : body.dataset.sort === "score-asc" ? (a, b) => byScore(a, b) || byStudent(a, b)
      : (a, b) => byScore(b, a) || byStudent(a, b);
    rows.sort(order).forEach((r) => body.append(r));
  }

  // Linear interpolation between closest ranks, as Exams/Distribution.cs computes it.
  function percentile(sorted, p) {
    const rank = (sorted.length - 1) * p;
    const low = Math.floor(rank);
    const high = Math.min(low + 1, sorted.length - 1);
    return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
  }

  function setField(name, value) {
    const field = document.querySelector(`[data-field="${name}"]`);
    if (field) {
      field.textContent = value;
    }
  }

  function drawHistogram(scores) {
    const svg = document.getElementById("histogram");
    const bins = new Array(10).fill(0);
    scores.forEach((s) => { bins[Math.min(9, Math.max(0, Math.floor(s * 10)))]++; });
    const max = Math.max(1, ...bins);
    const bottom = Number(svg.querySelector("line.axis").getAttribute("y1"));
    bins.forEach((count, bin) => {
      const bar = svg.querySelector(`rect[data-bin="${bin}"]`);
      const height = Math.round(count * (bottom - 20) / max);
      bar.setAttribute("y", bottom - height);
      bar.setAttribute("height", height);
      bar.querySelector("title").textContent = `${bin * 10}–${bin * 10 + 10}%: ${count} students`;
    });
  }
})();
