{#- Intervention identification (LA intervention note, shared/seeds/004; criteria as data in seed
    intervention_criteria, those in force on the report date): in an Ofsted category of concern; below the floor
    standard of its year (or the local equivalent, seed floor_standards) in any of the last years of results the
    criterion looks back over; coasting where that existed; below good at its last two judgements in any regime; or
    a concern flagged by its adviser. Floor-standard exclusions keep their reason. -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school

),

current_outcome as (

    select * from {{ ref('int_latest_ofsted_inspection') }}

),

judgements as (

    select * from {{ ref('int_ofsted_inspection_outcomes') }}
    where bears_judgement

),

states as (

    select * from {{ ref('ofsted_outcome_states') }}

),

floor as (

    select * from {{ ref('int_school_floor_standard') }}

),

advisers as (

    select * from {{ ref('int_adviser_capacity_judgements') }}

),

report_date as (

    select * from {{ ref('int_report_date') }}

),

criteria as (

    select
        intervention_criteria.*,
        intervention_criteria.effective_from <= report_date.report_date
            and (intervention_criteria.effective_to is null or intervention_criteria.effective_to > report_date.report_date)
            as is_in_force
    from {{ ref('intervention_criteria') }} as intervention_criteria
    cross join report_date

),

-- The years of results the floor criterion looks back over: the latest year each key stage's standard could be
-- judged for any school, and the years before it (e.g. KS2 2022-23 to 2024-25).
lookback as (

    select
        floor.key_stage,
        max(floor.academic_year) as last_year,
        max(criteria.lookback_academic_years) as lookback_years
    from floor
    cross join criteria
    where floor.standard_type = 'floor'
        and floor.floor_status in ('below floor', 'at or above floor')
        and criteria.criterion_code = 'BELOW_FLOOR'
    group by floor.key_stage

),

lookback_window as (

    select
        key_stage,
        last_year,
        cast(cast(left(last_year, 4) as integer) - coalesce(lookback_years, 1) + 1 as varchar) || '-'
            || right(cast(cast(left(last_year, 4) as integer) - coalesce(lookback_years, 1) + 2 as varchar), 2) as first_year
    from lookback

),

floor_in_window as (

    select floor.*
    from floor
    inner join lookback_window
        on lookback_window.key_stage = floor.key_stage
        and floor.academic_year between lookback_window.first_year and lookback_window.last_year
    where floor.standard_type = 'floor'

),

floor_summary as (

    select
        urn,
        key_stage,
        cast(count(*) filter (where floor_status = 'below floor') as integer) as years_below_floor,
        cast(count(*) filter (where floor_status in ('below floor', 'at or above floor')) as integer) as years_evaluated,
        string_agg(academic_year, ', ' order by academic_year) filter (where floor_status = 'below floor') as years_below_list,
        -- The latest year in the window the school has a row for: its status shown in the lists.
        {{ value_at_max('academic_year', 'academic_year') }} as latest_year,
        {{ value_at_max('standard_code', 'academic_year') }} as latest_standard_code,
        {{ value_at_max('floor_status', 'academic_year') }} as latest_status,
        {{ value_at_max('exclusion_reason', 'academic_year') }} as latest_exclusion_reason,
        {{ value_at_max('floor_explanation', 'academic_year') }} as latest_explanation
    from floor_in_window
    group by urn, key_stage

),

-- Coasting: runs of consecutive years below the coasting threshold (gaps and islands on the year's start).
coasting_runs as (

    select
        urn,
        key_stage,
        max(coasting_years) as coasting_years,
        count(*) as run_years,
        min(academic_year) as run_from,
        max(academic_year) as run_to
    from (
        select
            *,
            cast(left(academic_year, 4) as integer)
                - row_number() over (partition by urn, key_stage order by academic_year) as island
        from floor
        where standard_type = 'coasting'
            and floor_status = 'below coasting threshold'
    ) as below
    group by urn, key_stage, island

),

coasting as (

    select
        urn,
        string_agg(key_stage || ' ' || run_from || ' to ' || run_to, '; ' order by key_stage, run_from) as coasting_runs
    from coasting_runs
    where run_years >= coasting_years
    group by urn

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

last_two_judgements as (

    select
        ordered.urn,
        max(case when ordered.recency = 1 then ordered.outcome_label end) as latest_judgement,
        max(case when ordered.recency = 2 then ordered.outcome_label end) as previous_judgement,
        max(case when ordered.recency = 1 then ordered.inspection_start_date end) as latest_judgement_date,
        max(case when ordered.recency = 2 then ordered.inspection_start_date end) as previous_judgement_date,
        bool_and(states.is_below_good) filter (where ordered.recency <= 2) and count(*) = 2 as is_below_good_twice
    from (
        select
            *,
            row_number() over (
                partition by urn
                order by inspection_start_date desc nulls last, publication_date desc nulls last,
                    inspection_number desc nulls last
            ) as recency
        from judgements
    ) as ordered
    left join states
        on states.outcome_state = ordered.outcome_state
    where ordered.recency <= 2
    group by ordered.urn

),

combined as (

    select
        schools.urn,
        schools.la_code,
        schools.is_open,
        schools.phase,
        current_outcome.category_of_concern,
        coalesce(current_outcome.outcome_state = 'sm_swk', false) as is_in_ofsted_category,
        current_outcome.outcome_state_label,
        last_two_judgements.latest_judgement,
        last_two_judgements.previous_judgement,
        last_two_judgements.latest_judgement_date,
        last_two_judgements.previous_judgement_date,
        coalesce(last_two_judgements.is_below_good_twice, false) as is_below_good_twice,
        coasting.coasting_runs,
        coasting.urn is not null as is_coasting,
        coalesce(advisers.has_adviser_concern, false) as has_adviser_concern,
        advisers.capacity_to_improve,
        advisers.main_concern_words,
        {%- for ks in ['ks2', 'ks4'] %}
        {{ ks }}_window.first_year as {{ ks }}_lookback_from,
        {{ ks }}_window.last_year as {{ ks }}_lookback_to,
        {{ ks }}.latest_year as {{ ks }}_floor_year,
        {{ ks }}.latest_standard_code as {{ ks }}_floor_standard_code,
        coalesce({{ ks }}.years_below_floor, 0) as {{ ks }}_years_below_floor,
        coalesce({{ ks }}.years_evaluated, 0) as {{ ks }}_years_evaluated,
        {{ ks }}.years_below_list as {{ ks }}_years_below_list,
        case
            when {{ ks }}.urn is null and not schools.is_open and ever_results.had_{{ ks }} then 'excluded'
            else {{ ks }}.latest_status
        end as {{ ks }}_floor_status,
        case
            when {{ ks }}.urn is null and not schools.is_open and ever_results.had_{{ ks }} then 'closed school'
            else {{ ks }}.latest_exclusion_reason
        end as {{ ks }}_floor_exclusion_reason,
        case
            when {{ ks }}.urn is null and not schools.is_open and ever_results.had_{{ ks }}
                then 'Excluded from the {{ ks | upper }} floor standard: closed school'
            else {{ ks }}.latest_explanation
        end as {{ ks }}_floor_explanation{{ ',' if not loop.last }}
        {%- endfor %}
    from schools
    left join current_outcome
        on current_outcome.urn = schools.urn
    left join last_two_judgements
        on last_two_judgements.urn = schools.urn
    left join coasting
        on coasting.urn = schools.urn
    left join advisers
        on advisers.urn = schools.urn
    left join ever_results
        on ever_results.urn = schools.urn
    {%- for ks in ['ks2', 'ks4'] %}
    left join floor_summary as {{ ks }}
        on {{ ks }}.urn = schools.urn
        and {{ ks }}.key_stage = '{{ ks | upper }}'
    left join lookback_window as {{ ks }}_window
        on {{ ks }}_window.key_stage = '{{ ks | upper }}'
    {%- endfor %}

),

-- Which criteria in force hold for each school.
met as (

    select
        combined.urn,
        criteria.criterion_code,
        criteria.criterion_order,
        criteria.criterion_wording
    from combined
    inner join criteria
        on criteria.is_in_force
        and (
            (criteria.criterion_code = 'OFSTED_CATEGORY' and combined.is_in_ofsted_category)
            or (criteria.criterion_code = 'BELOW_FLOOR' and combined.ks2_years_below_floor + combined.ks4_years_below_floor > 0)
            or (criteria.criterion_code = 'COASTING' and combined.is_coasting)
            or (criteria.criterion_code = 'BELOW_GOOD_TWICE' and combined.is_below_good_twice)
            or (criteria.criterion_code = 'ADVISER_CONCERN' and combined.has_adviser_concern)
        )

),

met_summary as (

    select
        urn,
        string_agg(criterion_code, ', ' order by criterion_order) as intervention_criteria_met,
        string_agg(criterion_wording, '; ' order by criterion_order) as criteria_wording
    from met
    group by urn

),

final as (

    select
        cast(combined.urn as integer) as urn,
        cast(combined.la_code as integer) as la_code,
        combined.is_open,
        combined.phase,
        combined.is_in_ofsted_category,
        combined.category_of_concern,
        combined.is_below_good_twice,
        combined.latest_judgement,
        combined.previous_judgement,
        combined.is_coasting,
        combined.has_adviser_concern,
        {%- for ks in ['ks2', 'ks4'] %}
        combined.{{ ks }}_floor_year,
        combined.{{ ks }}_floor_standard_code,
        coalesce(combined.{{ ks }}_floor_status, 'not applicable') as {{ ks }}_floor_status,
        combined.{{ ks }}_floor_exclusion_reason,
        cast(combined.{{ ks }}_years_below_floor as integer) as {{ ks }}_years_below_floor,
        cast(combined.{{ ks }}_years_evaluated as integer) as {{ ks }}_years_evaluated,
        combined.{{ ks }}_years_below_list,
        {%- endfor %}
        cast(combined.ks2_years_below_floor + combined.ks4_years_below_floor as integer) as years_below_floor,
        combined.ks2_years_below_floor + combined.ks4_years_below_floor > 0 as is_below_floor,
        combined.is_open and met_summary.urn is not null as is_identified_for_intervention,
        case when combined.is_open then met_summary.intervention_criteria_met end as intervention_criteria_met,
        concat_ws(
            ' ',
            case
                when not combined.is_open then 'Closed school: not identified.'
                when met_summary.urn is not null then 'Identified for intervention support: ' || met_summary.criteria_wording || '.'
                else 'Not identified for intervention support.'
            end,
            'Ofsted: ' || case
                when combined.latest_judgement is null then 'not inspected'
                else 'latest judgement ' || combined.latest_judgement
                    || ' (' || {{ date_words('combined.latest_judgement_date') }} || ')'
                    || coalesce(', before it ' || combined.previous_judgement
                        || ' (' || {{ date_words('combined.previous_judgement_date') }} || ')', ', no earlier judgement')
                    || case when combined.is_below_good_twice then ' - below good at both' else '' end
            end || '.',
            {%- for ks in ['ks2', 'ks4'] %}
            case
                when combined.{{ ks }}_floor_status is null then null
                else '{{ ks | upper }} floor standard: '
                    || case
                        when combined.{{ ks }}_years_below_floor > 0
                            then 'below in ' || combined.{{ ks }}_years_below_list
                        else 'not below'
                    end
                    || coalesce(' in the years ' || combined.{{ ks }}_lookback_from || ' to ' || combined.{{ ks }}_lookback_to, '')
                    || ' (' || combined.{{ ks }}_years_evaluated || ' evaluated)'
                    || '; latest: ' || coalesce(combined.{{ ks }}_floor_explanation, 'no result') || '.'
            end,
            {%- endfor %}
            case when combined.is_coasting then 'Coasting: ' || combined.coasting_runs || '.' end,
            'Adviser: ' || case
                when combined.capacity_to_improve is null then 'no judgement received'
                else 'capacity to improve ' || replace(combined.capacity_to_improve, '_', ' ')
                    || coalesce('; main concern: ' || combined.main_concern_words, '; no main concern flagged')
            end || '.'
        ) as intervention_reasons
    from combined
    left join met_summary
        on met_summary.urn = combined.urn

)

select * from final
