--[[
Column widths for every table, from what is in it, so no text leaves its cell (both engines: Quarto runs this
filter from reports/_quarto.yml, the pandoc fallback passes it with --lua-filter).

Every table spans the text width (as report.css sets it in HTML). A table whose text fits on one line per cell has
columns in proportion to their longest text. Otherwise each column gets at least its longest unbreakable piece of
text (a word; a name breaks after a hyphen) and the rest of the page is shared in proportion to how much more each
column would need to sit on one line, which is how browsers lay out tables.
A table whose unbreakable pieces do not fit a portrait page is set on a landscape page (a `.landscape` div, which
Quarto turns into a rotated page and the fallback filter does the same).

On screen the browser sizes columns itself (report.css) and may break an academic year ("2021-22") after its
hyphen when a table is wide; a cell holding only such a figure gets the class `keep-together`, which report.css
keeps on one line (typst ignores the class: the widths above already give the piece its room in the PDF).

Widths are estimated from character counts in the house typst style (reports/styles/typst-template.typ: tables in
9pt Libertinus Serif, headers bold, 4pt cell insets on a 17cm text width); tests/unit/test_pdf_layout.py checks
the PDFs, so a change of font or size there must be matched here.
--]]

local POINTS_PER_CHARACTER = 4.4 -- 9pt Libertinus Serif: 3.8pt a letter, 4.2pt a digit, with a margin
local BOLD_FACTOR = 1.12 -- header cells are bold
local CELL_PADDING = 10 -- points: 4pt inset each side, the rule, and a margin
local PORTRAIT_WIDTH = 481.9 * 0.97 -- points: A4 less 2cm margins, with a margin
local LANDSCAPE_WIDTH = 728.5 * 0.97

local stringify = pandoc.utils.stringify

--- Unbreakable pieces of a cell's text: words, split after a hyphen that is followed by a letter.
local function pieces(text)
  local out = {}
  for word in text:gmatch("%S+") do
    local start = 1
    for position in word:gmatch("()%-%a") do
      table.insert(out, word:sub(start, position))
      start = position + 1
    end
    table.insert(out, word:sub(start))
  end
  return out
end

local function width(text, bold)
  return utf8.len(text) * POINTS_PER_CHARACTER * (bold and BOLD_FACTOR or 1)
end

--- A figure with a hyphen between digits, such as an academic year (2021-22) or a range (80-120).
local function is_hyphenated_figure(text)
  return text:match("^%d+%-%d+$") ~= nil
end

--- Measure a cell for the column widths, and mark a lone hyphenated figure to be kept on one line on screen.
local function measure_cell(cell, bold, column, minimum, maximum)
  local text = stringify(cell.contents)
  if is_hyphenated_figure(text) then
    cell.attr.classes:insert("keep-together")
  end
  local longest = 0
  for _, piece in ipairs(pieces(text)) do
    longest = math.max(longest, width(piece, bold))
  end
  minimum[column] = math.max(minimum[column] or 0, longest)
  maximum[column] = math.max(maximum[column] or 0, width(text, bold))
end

local function measure_rows(rows, bold, minimum, maximum)
  for _, row in ipairs(rows) do
    for column, cell in ipairs(row.cells) do
      measure_cell(cell, bold, column, minimum, maximum)
    end
  end
end

local function total(values, count)
  local sum = 0
  for column = 1, count do
    sum = sum + values[column] + CELL_PADDING
  end
  return sum
end

--- Widths (fractions of the text width) giving each column its minimum and sharing the rest by need.
local function shared_widths(minimum, maximum, count, available)
  local spare = available - total(minimum, count)
  local need = total(maximum, count) - total(minimum, count)
  local widths = {}
  for column = 1, count do
    local extra = need > 0 and spare * (maximum[column] - minimum[column]) / need or 0
    widths[column] = (minimum[column] + CELL_PADDING + math.max(extra, 0)) / available
  end
  return widths
end

function Table(tbl)
  local count = #tbl.colspecs
  local minimum, maximum = {}, {}
  for column = 1, count do
    minimum[column], maximum[column] = 0, 0
  end
  measure_rows(tbl.head.rows, true, minimum, maximum)
  for _, body in ipairs(tbl.bodies) do
    measure_rows(body.body, false, minimum, maximum)
  end
  measure_rows(tbl.foot.rows, false, minimum, maximum)

  if total(maximum, count) <= PORTRAIT_WIDTH then
    -- everything fits on one line: the table spans the page, columns in proportion to their text
    local fitted = total(maximum, count)
    for column = 1, count do
      tbl.colspecs[column][2] = (maximum[column] + CELL_PADDING) / fitted
    end
    return tbl
  end
  local landscape = total(minimum, count) > PORTRAIT_WIDTH
  local available = landscape and LANDSCAPE_WIDTH or PORTRAIT_WIDTH
  local widths = shared_widths(minimum, maximum, count, available)
  for column = 1, count do
    tbl.colspecs[column][2] = widths[column]
  end
  if landscape then
    return pandoc.Div({ tbl }, pandoc.Attr("", { "landscape" }))
  end
  return tbl
end
