{#- Three-year trend of the disadvantaged gap (disadvantaged pupils vs national other pupils) for schools, LAs
    and England. School rows follow the predecessor chain, so a converted academy keeps its history. -#}
with

gaps as (

    select * from {{ ref('fct_disadvantaged_gap') }}

),

chain as (

    select * from {{ ref('int_school_predecessor_chain') }}

),

schools as (

    select * from {{ ref('dim_school') }}

),

school_gap_candidates as (

    select
        'school' as geography_level,
        cast(chain.urn as varchar) as area_code,
        chain.urn,
        schools.la_code,
        gaps.urn as results_urn,
        gaps.academic_year,
        gaps.key_stage,
        gaps.measure_code,
        gaps.disadvantaged_pupils,
        gaps.disadvantaged_gap,
        gaps.within_area_gap,
        chain.generations_back,
        chain.predecessor_urn
    from chain
    inner join schools
        on schools.urn = chain.urn
    inner join gaps
        on gaps.geography_level = 'school'
        and gaps.urn = chain.predecessor_urn

),

-- the nearest predecessor with results; merged predecessors tie: predecessor_urn gives the same pick every run
nearest_school_gaps as (

    {{ keep_rows('school_gap_candidates', 'row_number() over (
        partition by urn, academic_year, measure_code order by generations_back, predecessor_urn
    ) = 1') }}

),

school_gaps as (

    select
        geography_level,
        area_code,
        urn,
        la_code,
        results_urn,
        academic_year,
        key_stage,
        measure_code,
        disadvantaged_pupils,
        disadvantaged_gap,
        within_area_gap
    from nearest_school_gaps

),

area_gaps as (

    select
        geography_level,
        area_code,
        cast(null as integer) as urn,
        la_code,
        cast(null as integer) as results_urn,
        academic_year,
        key_stage,
        measure_code,
        disadvantaged_pupils,
        disadvantaged_gap,
        within_area_gap
    from gaps
    where geography_level in ('la', 'national')

),

all_gaps as (

    select * from school_gaps
    union all
    select * from area_gaps

),

with_history as (

    select
        current_year.*,
        previous_year.disadvantaged_gap as previous_year_gap,
        two_years_back.disadvantaged_gap as two_years_back_gap
    from all_gaps as current_year
    left join all_gaps as previous_year
        on previous_year.geography_level = current_year.geography_level
        and previous_year.area_code = current_year.area_code
        and previous_year.measure_code = current_year.measure_code
        and previous_year.academic_year = {{ previous_academic_year('current_year.academic_year') }}
    left join all_gaps as two_years_back
        on two_years_back.geography_level = current_year.geography_level
        and two_years_back.area_code = current_year.area_code
        and two_years_back.measure_code = current_year.measure_code
        and two_years_back.academic_year = {{ previous_academic_year(previous_academic_year('current_year.academic_year')) }}

),

final as (

    select
        geography_level,
        area_code,
        cast(urn as integer) as urn,
        cast(la_code as integer) as la_code,
        cast(results_urn as integer) as results_urn,
        coalesce(results_urn <> urn, false) as is_from_predecessor,
        academic_year,
        key_stage,
        measure_code,
        disadvantaged_pupils,
        disadvantaged_gap,
        within_area_gap,
        previous_year_gap,
        two_years_back_gap,
        {{ round_to('disadvantaged_gap - previous_year_gap', 2) }} as gap_change_one_year,
        {{ round_to('disadvantaged_gap - two_years_back_gap', 2) }} as gap_change_three_years,
        -- The gap is disadvantaged minus national other pupils, so a fall (more negative) is a widening gap.
        case
            when disadvantaged_gap is null or previous_year_gap is null or two_years_back_gap is null then 'insufficient data'
            when disadvantaged_gap < previous_year_gap and previous_year_gap < two_years_back_gap then 'widening two years running'
            when disadvantaged_gap > previous_year_gap and previous_year_gap > two_years_back_gap then 'narrowing two years running'
            when disadvantaged_gap < two_years_back_gap then 'wider than two years ago'
            when disadvantaged_gap > two_years_back_gap then 'narrower than two years ago'
            else 'unchanged'
        end as three_year_trend
    from with_history

)

select * from final
