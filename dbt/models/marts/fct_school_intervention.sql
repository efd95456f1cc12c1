{#- Intervention identification (LA intervention note, shared/seeds/004): schools in an Ofsted category of concern,
    below the floor standard (or its current equivalent, seed floor_standards) in the latest year, or judged below
    good at two consecutive graded inspections; floor-standard exclusions keep their reason. -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_school
        and governance in ('maintained', 'academy')

),

latest_ofsted as (

    select * from {{ ref('fct_school_latest_ofsted') }}

),

history as (

    select * from {{ ref('int_school_inspection_history') }}
    where overall_effectiveness_grade is not null

),

floor as (

    select * from {{ ref('int_school_floor_standard') }}

),

-- The floor standard is judged on the latest year in which it could be judged at all (every measure it needs was
-- published for some school): e.g. KS2 progress was not published for 2023-24, so KS2 is judged on 2022-23.
latest_years as (

    select key_stage, max(academic_year) as academic_year
    from floor
    where floor_status in ('below floor', 'at or above floor')
    group by key_stage

),

latest_floor as (

    select floor.*
    from floor
    inner join latest_years
        on latest_years.key_stage = floor.key_stage
        and latest_years.academic_year = floor.academic_year

),

-- Key stages the school ever had results for: a closed school shows the closed-school exclusion for them.
ever_results as (

    select
        urn,
        bool_or(key_stage = 'KS2') as had_ks2,
        bool_or(key_stage = 'KS4') as had_ks4
    from floor
    group by urn

),

last_two_graded as (

    select
        urn,
        max(case when recency = 1 then overall_effectiveness_grade end) as latest_grade,
        max(case when recency = 2 then overall_effectiveness_grade end) as previous_grade,
        max(case when recency = 1 then inspection_start_date end) as latest_graded_date,
        max(case when recency = 2 then inspection_start_date end) as previous_graded_date
    from (
        select
            *,
            row_number() over (
                partition by urn order by inspection_start_date desc, publication_date desc, inspection_number desc
            ) as recency
        from history
    ) as ordered
    where recency <= 2
    group by urn

),

combined as (

    select
        schools.urn,
        schools.la_code,
        schools.is_open,
        schools.phase,
        latest_ofsted.category_of_concern,
        coalesce(latest_ofsted.category_of_concern in ('SM', 'SWK', 'RSI'), false) as is_in_ofsted_category,
        last_two_graded.latest_grade,
        last_two_graded.previous_grade,
        last_two_graded.latest_graded_date,
        last_two_graded.previous_graded_date,
        coalesce(last_two_graded.latest_grade >= 3 and last_two_graded.previous_grade >= 3, false)
            as is_below_good_twice,
        ks2.academic_year as ks2_floor_year,
        ks2.standard_code as ks2_floor_standard_code,
        case
            when ks2.urn is null and not schools.is_open and ever_results.had_ks2 then 'excluded'
            else ks2.floor_status
        end as ks2_floor_status,
        case
            when ks2.urn is null and not schools.is_open and ever_results.had_ks2 then 'closed school'
            else ks2.exclusion_reason
        end as ks2_floor_exclusion_reason,
        case
            when ks2.urn is null and not schools.is_open and ever_results.had_ks2
                then 'Excluded from the KS2 floor standard: closed school'
            else ks2.floor_explanation
        end as ks2_floor_explanation,
        ks4.academic_year as ks4_floor_year,
        ks4.standard_code as ks4_floor_standard_code,
        ks4.floor_status as ks4_floor_status,
        ks4.exclusion_reason as ks4_floor_exclusion_reason,
        ks4.floor_explanation as ks4_floor_explanation
    from schools
    left join latest_ofsted
        on latest_ofsted.urn = schools.urn
    left join last_two_graded
        on last_two_graded.urn = schools.urn
    left join ever_results
        on ever_results.urn = schools.urn
    left join latest_floor as ks2
        on ks2.urn = schools.urn
        and ks2.key_stage = 'KS2'
    left join latest_floor as ks4
        on ks4.urn = schools.urn
        and ks4.key_stage = 'KS4'

),

final as (

    select
        cast(urn as integer) as urn,
        cast(la_code as integer) as la_code,
        is_open,
        phase,
        is_in_ofsted_category,
        category_of_concern,
        is_below_good_twice,
        cast(latest_grade as integer) as latest_graded_judgement,
        cast(previous_grade as integer) as previous_graded_judgement,
        ks2_floor_year,
        ks2_floor_standard_code,
        coalesce(ks2_floor_status, 'not applicable') as ks2_floor_status,
        ks2_floor_exclusion_reason,
        ks4_floor_year,
        ks4_floor_standard_code,
        coalesce(ks4_floor_status, 'not applicable') as ks4_floor_status,
        ks4_floor_exclusion_reason,
        coalesce(ks2_floor_status = 'below floor', false) or coalesce(ks4_floor_status = 'below floor', false)
            as is_below_floor,
        is_open and (
            is_in_ofsted_category or is_below_good_twice
            or coalesce(ks2_floor_status = 'below floor', false) or coalesce(ks4_floor_status = 'below floor', false)
        ) as is_identified_for_intervention,
        concat_ws(
            '; ',
            case when not is_open then 'Closed school: not identified' end,
            case category_of_concern
                when 'SM' then 'In an Ofsted category: special measures'
                when 'SWK' then 'In an Ofsted category: serious weaknesses'
                when 'RSI' then 'In an Ofsted category: requires significant improvement (report card)'
                else 'Not in an Ofsted category'
            end,
            case
                when is_below_good_twice then
                    'Below good at two consecutive graded inspections ('
                    || strftime(latest_graded_date, '%Y-%m-%d') || ' grade ' || latest_grade || ', '
                    || strftime(previous_graded_date, '%Y-%m-%d') || ' grade ' || previous_grade || ')'
                when latest_grade is null then 'No graded inspection'
                else 'Not below good at two consecutive graded inspections'
            end,
            ks2_floor_explanation,
            ks4_floor_explanation
        ) as intervention_reasons
    from combined

)

select * from final
