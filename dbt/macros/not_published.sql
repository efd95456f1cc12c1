{#- Why a measure is not published in a year, from seed performance_table_availability joined on key stage and
    academic year: no school-level data at all, or (for a measure with measure_dictionary.needs_prior_attainment)
    no progress measures because the cohort had no prior-attainment baseline. NULL when it is published.
    `availability` and `dictionary` are the aliases of the two seeds in the calling query. -#}
{% macro not_published_reason(availability, dictionary) -%}
    case
        when {{ availability }}.school_level_published = false
            then {{ availability }}.reason
        when {{ dictionary }}.needs_prior_attainment and {{ availability }}.progress_measures_published = false
            then {{ availability }}.reason
    end
{%- endmacro %}
