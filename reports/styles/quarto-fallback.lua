--[[
What Quarto does with the reports' markup, done the same way by the pandoc fallback (rendering.py passes this
filter only when Quarto is not installed), so both engines give the same document:

- `![Caption](chart.svg){#fig-x fig-alt="…"}`: the figure keeps its caption and the image gets the fig-alt text as
  its alt text (HTML `alt`, typst `image(alt: …)`, which typst writes into the PDF).
- Tables labelled `{#tbl-…}` and figures labelled `{#fig-…}` are numbered "Table 1: …", "Figure 1: …" in HTML
  (typst numbers its figures itself, as it does under Quarto).
- A `.landscape` div is set on its own rotated page in typst (Quarto 1.6 and later does this natively).
--]]

local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

local function with_alt(image)
  local alt = image.attributes["fig-alt"]
  if alt == nil then
    return nil
  end
  image.attributes["fig-alt"] = nil
  if FORMAT == "typst" then
    return pandoc.RawInline("typst", "#image(" .. typst_string(image.src) .. ", alt: " .. typst_string(alt) .. ")")
  end
  image.caption = { pandoc.Str(alt) }
  return image
end

local function numbered(kind)
  local count = 0
  return function(element)
    if FORMAT == "typst" or not element.identifier:match("^" .. kind.prefix .. "%-") then
      return nil
    end
    count = count + 1
    local label = pandoc.Inlines({ pandoc.Str(kind.word), pandoc.Space(), pandoc.Str(count .. ":"), pandoc.Space() })
    local caption = element.caption.long
    if #caption > 0 and caption[1].t == "Plain" then
      caption[1].content = label .. caption[1].content
    else
      caption:insert(1, pandoc.Plain(label))
    end
    element.caption.long = caption
    return element
  end
end

local function landscape(div)
  if FORMAT ~= "typst" or not div.classes:includes("landscape") then
    return nil
  end
  local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", "#page(flipped: true)[") })
  blocks:extend(div.content)
  blocks:insert(pandoc.RawBlock("typst", "]"))
  return blocks
end

return {
  { Image = with_alt },
  { Table = numbered({ prefix = "tbl", word = "Table" }), Figure = numbered({ prefix = "fig", word = "Figure" }) },
  { Div = landscape },
}
