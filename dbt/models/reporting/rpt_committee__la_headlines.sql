{#- Headline measures shown to committee: every measure of seed measure_dictionary with a committee_headline_order
    (rules as data: the list lives in the seed), LA against national, with last year's value and trend.
    A progress measure in a year DfE did not publish progress (seed performance_table_availability) is 'NP'
    (not published) for the LA and national alike, with the seed's reason. -#}
with

dictionary as (

    select * from {{ ref('measure_dictionary') }}
    where committee_headline_order is not null

),

availability as (

    select * from {{ ref('performance_table_availability') }}

),

area_measures as (

    select * from {{ ref('int_area_measures_long') }}

),

la as (

    select * from area_measures
    where geography_level = 'la'
        and la_code = {{ var('la_code') }}

),

national as (

    select * from area_measures
    where geography_level = 'national'

),

measures_long as (

    select
        la.academic_year,
        dictionary.key_stage,
        dictionary.measure_code,
        dictionary.measure_name,
        dictionary.unit,
        cast(dictionary.committee_headline_order as integer) as headline_order,
        cast(dictionary.decimal_places as integer) as published_decimals,
        la.measure_value as la_value,
        la.measure_value_reason as la_value_reason,
        national.measure_value as national_value,
        national.measure_value_reason as national_value_reason,
        coalesce(la.data_version, national.data_version) as data_version,
        {{ not_published_reason('availability', 'dictionary') }} as not_published_reason
    from la
    inner join dictionary
        on dictionary.measure_code = la.measure_code
    left join national
        on national.academic_year = la.academic_year
        and national.measure_code = la.measure_code
    left join availability
        on availability.key_stage = dictionary.key_stage
        and availability.academic_year = la.academic_year

),

-- Not published is one state for every column: the value is NULL with reason NP whatever the file carried.
harmonised as (

    select
        academic_year,
        key_stage,
        measure_code,
        measure_name,
        unit,
        headline_order,
        published_decimals,
        case when not_published_reason is null then la_value end as la_value,
        case when not_published_reason is null then la_value_reason else 'NP' end as la_value_reason,
        case when not_published_reason is null then national_value end as national_value,
        case when not_published_reason is null then national_value_reason else 'NP' end as national_value_reason,
        data_version,
        not_published_reason
    from measures_long

),

-- Trends are judged at the precision DfE publishes each measure (seed measure_dictionary.decimal_places).
with_previous as (

    select
        current_year.*,
        previous_year.la_value as la_value_previous_year,
        previous_year.la_value_reason as la_value_previous_year_reason
    from harmonised as current_year
    left join harmonised as previous_year
        on previous_year.measure_code = current_year.measure_code
        and previous_year.academic_year = {{ previous_academic_year('current_year.academic_year') }}

),

final as (

    select
        academic_year,
        key_stage,
        measure_code,
        measure_name,
        unit,
        headline_order,
        {{ round_to('la_value', 2) }} as la_value,
        la_value_reason,
        {{ round_to('national_value', 2) }} as national_value,
        national_value_reason,
        {{ round_to('la_value - national_value', 2) }} as la_minus_national,
        {{ round_to('la_value_previous_year', 2) }} as la_value_previous_year,
        la_value_previous_year_reason,
        case
            when la_value is null or la_value_previous_year is null then null
            when {{ round_to('la_value', 'published_decimals') }} > {{ round_to('la_value_previous_year', 'published_decimals') }} then 'up'
            when {{ round_to('la_value', 'published_decimals') }} < {{ round_to('la_value_previous_year', 'published_decimals') }} then 'down'
            else 'same'
        end as trend,
        not_published_reason,
        data_version
    from with_previous

)

select * from final
