{#- The fewest of a region's LAs with a figure that a region figure needs: var region_min_la_share of the LAs the
    LA code list places in the region, rounded up, and never fewer than two, so a single-LA download never passes
    the LA's own figure off as its region's. -#}
{% macro region_las_needed(region_la_total) -%}
    cast(greatest(2, ceil({{ var('region_min_la_share') }} * coalesce({{ region_la_total }}, 0))) as integer)
{%- endmacro %}
