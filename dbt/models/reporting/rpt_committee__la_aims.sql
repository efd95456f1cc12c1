{#- The LA's stated aims, as the committee report shows them (service specification 2.2): every child in a good or
    outstanding school (% of schools and of pupils, with the LA's rank among all LAs), and attainment and progress in
    the top 10% nationally (each committee headline measure's rank among all LAs in its latest year). Published:
    LA-level figures only. -#}
with

good_or_outstanding as (

    select * from {{ ref('fct_la_good_or_outstanding') }}

),

la_measures as (

    select * from {{ ref('fct_la_measure_comparison') }}
    where la_code = {{ var('la_code') }}

),

dictionary as (

    select * from {{ ref('measure_dictionary') }}
    where committee_headline_order is not null

),

snapshot as (

    select max(ofsted_as_at_date) as ofsted_as_at_date from {{ ref('stg_ofsted__inspections') }}

),

la_good as (

    select * from good_or_outstanding
    where geography_level = 'la'
        and la_code = {{ var('la_code') }}

),

national_good as (

    select * from good_or_outstanding
    where geography_level = 'national'

),

good_rows as (

    {%- for measure, label, order in [
        ('schools', 'Schools judged good or outstanding (or the equivalent)', 1),
        ('pupils', 'Pupils in schools judged good or outstanding (or the equivalent)', 2),
    ] %}
    select
        'good_or_outstanding' as aim_code,
        'Every child attends a good or outstanding school' as aim,
        {{ order }} as aim_order,
        '{{ label }}' as measure_name,
        'percent' as unit,
        'as at ' || {{ date_words('snapshot.ofsted_as_at_date') }} as period,
        la_good.{{ measure }}_good_or_outstanding_pct as la_value,
        national_good.{{ measure }}_good_or_outstanding_pct as national_value,
        la_good.la_rank_{{ measure }}_good_or_outstanding as la_rank,
        la_good.las_ranked,
        la_good.is_top_decile_{{ measure }}_good_or_outstanding as is_top_decile,
        cast(null as varchar) as value_reason
    from la_good
    cross join national_good
    cross join snapshot
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

-- Each headline measure in its latest year with an LA value (or, when none, its latest year with a reason).
headline_measures as (

    select la_measures.*
    from la_measures
    inner join dictionary
        on dictionary.measure_code = la_measures.measure_code

),

measure_years as (

    {{ keep_rows('headline_measures', 'row_number() over (
        partition by measure_code
        order by la_value is not null desc, academic_year desc nulls last
    ) = 1') }}

),

measure_rows as (

    select
        'top_decile_results' as aim_code,
        'Attainment and progress within the top 10% nationally' as aim,
        10 + cast(dictionary.committee_headline_order as integer) as aim_order,
        dictionary.measure_name,
        measure_years.unit,
        measure_years.key_stage || ' ' || measure_years.academic_year as period,
        measure_years.la_value,
        measure_years.national_value,
        measure_years.la_rank,
        measure_years.las_ranked,
        measure_years.is_top_decile,
        measure_years.la_value_reason as value_reason
    from measure_years
    inner join dictionary
        on dictionary.measure_code = measure_years.measure_code

),

final as (

    select
        aim_code,
        aim,
        cast(aim_order as integer) as aim_order,
        measure_name,
        unit,
        period,
        cast(la_value as double precision) as la_value,
        cast(national_value as double precision) as national_value,
        cast(la_rank as integer) as la_rank,
        cast(las_ranked as integer) as las_ranked,
        cast(ceil(0.1 * las_ranked) as integer) as top_decile_rank,
        is_top_decile,
        value_reason
    from good_rows
    union all
    select
        aim_code,
        aim,
        cast(aim_order as integer),
        measure_name,
        unit,
        period,
        cast(la_value as double precision),
        cast(national_value as double precision),
        cast(la_rank as integer),
        cast(las_ranked as integer),
        cast(ceil(0.1 * las_ranked) as integer),
        is_top_decile,
        value_reason
    from measure_rows

)

select * from final
