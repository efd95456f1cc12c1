{#- The KS2 and KS4 comparator models are one shape: these macros write it once, for a key stage's staging models. -#}

{#- An LA's figures for a key stage: the DfE-published LA row where it exists, else a pupil-weighted recomputation
    from the LA's state-funded school rows (both kept, with where each figure came from).
      key_stage          'ks2' or 'ks4' (reads stg_<key_stage>__school_results and stg_<key_stage>__la_results)
      weighted_measures  (measure, the pupil count that weights it) pairs
      counts             pupil counts summed across schools
      scored_zero_when_not_entered  measures for which a school with NE (no entries) counts its pupils as scoring 0,
                         as DfE's LA figure does -#}
{% macro la_comparators(key_stage, weighted_measures, counts, scored_zero_when_not_entered=[]) -%}
with

school_results as (

    select * from {{ ref('stg_' ~ key_stage ~ '__school_results') }}

),

la_results as (

    select * from {{ ref('stg_' ~ key_stage ~ '__la_results') }}

),

-- DfE LA rows cover state-funded schools only, so independent and non-maintained special rows are left out.
-- Percentages are averaged weighted by pupils (never a mean of rounded school percentages).
recomputed as (

    select
        la_code,
        academic_year,
        {%- for count_column in counts %}
        sum({{ count_column }}) as {{ count_column }}_recomputed,
        {%- endfor %}
        {%- for measure, weight in weighted_measures %}
        {%- set value = "case when " ~ measure ~ "_reason = 'NE' then 0 else " ~ measure ~ " end"
            if measure in scored_zero_when_not_entered else measure %}
        sum({{ value }} * ({{ weight }}))
            / nullif(sum(case when {{ value }} is not null then {{ weight }} end), 0)
            as {{ measure }}_recomputed{{ ',' if not loop.last }}
        {%- endfor %}
    from school_results
    where is_state_funded
    group by la_code, academic_year

),

combined as (

    select
        coalesce(la_results.la_code, recomputed.la_code) as la_code,
        coalesce(la_results.academic_year, recomputed.academic_year) as academic_year,
        la_results.la_name,
        la_results.data_version,
        la_results.la_code is not null as has_published_la_row,
        {%- for count_column in counts %}
        coalesce(la_results.{{ count_column }}, recomputed.{{ count_column }}_recomputed) as {{ count_column }},
        {%- endfor %}
        {%- for measure, weight in weighted_measures %}
        -- {{ measure }}: the published LA figure wins; the recomputed one fills gaps.
        coalesce(la_results.{{ measure }}, recomputed.{{ measure }}_recomputed) as {{ measure }},
        case when la_results.{{ measure }} is null then la_results.{{ measure }}_reason end as {{ measure }}_reason,
        case
            when la_results.{{ measure }} is not null then 'published'
            when recomputed.{{ measure }}_recomputed is not null then 'recomputed'
        end as {{ measure }}_source,
        recomputed.{{ measure }}_recomputed{{ ',' if not loop.last }}
        {%- endfor %}
    from la_results
    full outer join recomputed
        on la_results.la_code = recomputed.la_code
        and la_results.academic_year = recomputed.academic_year

),

final as (

    select * from combined

)

select * from final
{%- endmacro %}

{#- England's figures for a key stage: the state-funded national row, the comparator for schools and LAs (DfE's
    LA rows cover state-funded schools). -#}
{% macro national_comparators(key_stage) -%}
with

national_results as (

    select * from {{ ref('stg_' ~ key_stage ~ '__national_results') }}

),

final as (

    select {{ star_except(ref('stg_' ~ key_stage ~ '__national_results'),
        ['rectype', 'record_type', 'source_row_number', 'loaded_at']) }}
    from national_results
    where national_scope = 'state_funded'

)

select * from final
{%- endmacro %}
