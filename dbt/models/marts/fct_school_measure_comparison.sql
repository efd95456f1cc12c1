{#- Every measure of seed measure_dictionary for every school and year, following the predecessor chain, with
    LA, region, statistical-neighbour and national comparators and percentile ranks. -#}
with

schools as (

    select * from {{ ref('dim_school') }}

),

spine as (

    select * from {{ ref('int_school_year_spine') }}

),

chain as (

    select * from {{ ref('int_school_predecessor_chain') }}

),

school_measures as (

    select * from {{ ref('int_school_measures_long') }}

),

dictionary as (

    select * from {{ ref('measure_dictionary') }}

),

la_comparators as (

    select * from {{ ref('int_la_measure_comparators') }}

),

-- Percentile ranks among state-funded mainstream schools with a value (special schools are not ranked):
-- 0 = lowest-performing, 100 = highest-performing given the measure's polarity (context measures: 100 = highest value).
ranked as (

    select
        school_measures.*,
        case
            when school_measures.is_state_funded and not coalesce(school_measures.is_special_school, false)
                and school_measures.measure_value is not null then true
            else false
        end as is_ranked,
        case when dictionary.higher_is_better = false then -1 else 1 end * school_measures.measure_value as ranking_value
    from school_measures
    inner join dictionary
        on dictionary.measure_code = school_measures.measure_code

),

percentiles as (

    select
        urn,
        academic_year,
        measure_code,
        {{ round_to('100 * percent_rank() over (partition by academic_year, measure_code, la_code order by ranking_value)', 0) }}
            as la_percentile_rank,
        count(*) over (partition by academic_year, measure_code, la_code) as la_schools_ranked,
        {{ round_to('100 * percent_rank() over (partition by academic_year, measure_code order by ranking_value)', 0) }}
            as national_percentile_rank,
        count(*) over (partition by academic_year, measure_code) as national_schools_ranked
    from ranked
    where is_ranked

),

-- The school's own row each year, or its nearest predecessor's when it has none (a converted academy keeps its history).
chain_candidates as (

    select
        chain.urn,
        school_measures.urn as results_urn,
        chain.generations_back,
        {{ star_except(ref('int_school_measures_long'), ['urn', 'la_code'], 'school_measures') }}
    from chain
    inner join school_measures
        on school_measures.urn = chain.predecessor_urn

),

-- results_urn is the chain's predecessor_urn: merged predecessors tie on generations_back, it gives the same pick
-- every run
chain_measures as (

    {{ keep_rows('chain_candidates', 'row_number() over (
        partition by urn, academic_year, measure_code order by generations_back, results_urn
    ) = 1') }}

),

-- Rows the school should have: its key stages in the years it was open at assessment, census every year it was open.
expected as (

    select spine.urn, spine.academic_year, dictionary.measure_code
    from spine
    inner join dictionary
        on (dictionary.key_stage = 'KS2' and spine.expects_ks2_results)
        or (dictionary.key_stage = 'KS4' and spine.expects_ks4_results)
        or (dictionary.key_stage in ('context', 'absence') and spine.is_open_at_assessment)

),

school_years as (

    select urn, academic_year, measure_code from expected
    union
    select urn, academic_year, measure_code from chain_measures

),

final as (

    select
        school_years.urn,
        school_years.academic_year,
        school_years.measure_code,
        dictionary.key_stage,
        dictionary.pupil_group,
        dictionary.unit,
        dictionary.higher_is_better,
        cast(dictionary.decimal_places as integer) as decimal_places,
        schools.la_code,
        chain_measures.results_urn,
        coalesce(chain_measures.generations_back > 0, false) as is_from_predecessor,
        chain_measures.measure_value as value,
        chain_measures.measure_value_reason as value_reason,
        -- 'no data this year' (no row at all) stays apart from 'suppressed' and 'not published' (a row with a reason).
        case
            when chain_measures.measure_status is null then 'no data this year'
            -- A measure DfE stopped publishing (e.g. KS2 progress after 2022-23) is 'not published', whatever code the file used.
            when chain_measures.measure_value is null and dictionary.last_academic_year is not null
                and school_years.academic_year > dictionary.last_academic_year then 'not published'
            else chain_measures.measure_status
        end as value_status,
        chain_measures.weight_pupils as pupils,
        la_comparators.la_value,
        la_comparators.la_value_status,
        la_comparators.region_name,
        la_comparators.region_value,
        la_comparators.statistical_neighbour_value,
        la_comparators.statistical_neighbour_count,
        la_comparators.national_value,
        la_comparators.national_value_status,
        {{ round_to('chain_measures.measure_value - la_comparators.la_value', 2) }} as value_minus_la,
        {{ round_to('chain_measures.measure_value - la_comparators.region_value', 2) }} as value_minus_region,
        {{ round_to('chain_measures.measure_value - la_comparators.statistical_neighbour_value', 2) }} as value_minus_statistical_neighbours,
        {{ round_to('chain_measures.measure_value - la_comparators.national_value', 2) }} as value_minus_national,
        cast(percentiles.la_percentile_rank as integer) as la_percentile_rank,
        cast(percentiles.la_schools_ranked as integer) as la_schools_ranked,
        cast(percentiles.national_percentile_rank as integer) as national_percentile_rank,
        cast(percentiles.national_schools_ranked as integer) as national_schools_ranked,
        chain_measures.data_version
    from school_years
    inner join schools
        on schools.urn = school_years.urn
    inner join dictionary
        on dictionary.measure_code = school_years.measure_code
    left join chain_measures
        on chain_measures.urn = school_years.urn
        and chain_measures.academic_year = school_years.academic_year
        and chain_measures.measure_code = school_years.measure_code
    left join percentiles
        on percentiles.urn = chain_measures.results_urn
        and percentiles.academic_year = school_years.academic_year
        and percentiles.measure_code = school_years.measure_code
    left join la_comparators
        on la_comparators.la_code = schools.la_code
        and la_comparators.academic_year = school_years.academic_year
        and la_comparators.measure_code = school_years.measure_code

)

select * from final
