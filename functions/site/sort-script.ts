/**
 * The table sorter, a small vanilla script served under a content-hashed name. Progressive
 * enhancement: without JavaScript the table reads in rank order; with it, each column header of a
 * `table[data-sortable]` becomes a button (keyboard: Tab, Enter) and `aria-sort` says the order.
 * Cells sort by their `data-value` when they have one (numbers), else by their text.
 */
export const SORT_SCRIPT = `(function () {
  'use strict';
  function key(cell, numeric) {
    var raw = cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent.trim();
    if (!numeric) return raw.toLowerCase();
    var n = parseFloat(raw);
    return isNaN(n) ? -Infinity : n;
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    var numeric = th.getAttribute('data-type') === 'number';
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? order : -order;
    });
    Array.prototype.forEach.call(th.parentNode.children, function (other) { other.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    rows.forEach(function (row) { body.appendChild(row); });
    var status = table.parentNode.querySelector('[data-sort-status]');
    if (status) status.textContent = 'Sorted by ' + th.textContent.trim() + ', ' + (ascending ? 'ascending' : 'descending') + '.';
  }
  function enhance(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!th.hasAttribute('data-type')) return;
      var button = document.createElement('button');
      button.type = 'button';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () { sortBy(table, index, th); });
    });
    var status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    status.setAttribute('data-sort-status', '');
    table.parentNode.appendChild(status);
  }
  Array.prototype.forEach.call(document.querySelectorAll('table[data-sortable]'), enhance);
})();
`;
