{#- LA headline and aim: % of open state-funded schools, and of their pupils, in schools that are good or
    outstanding (or the equivalent under the ungraded and report-card regimes: the current outcome of
    int_latest_ofsted_inspection, seed ofsted_outcome_rules), and each LA's rank among all LAs (aim: top 10%). -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_open
        and governance in ('maintained', 'academy')

),

-- Schools whose current outcome is a judgement (not 'no_grade': an inspection no rule could place).
judgements as (

    select * from {{ ref('int_latest_ofsted_inspection') }}
    where outcome_state <> 'no_grade'

),

regions as (

    select * from {{ ref('int_la_regions') }}

),

definitions as (

    select max(definition_version) as definition_version from {{ ref('good_or_outstanding_definitions') }}

),

rule_versions as (

    select max(outcome_rule_version) as outcome_rule_version from judgements

),

school_outcomes as (

    select
        schools.urn,
        schools.la_code,
        coalesce(schools.number_of_pupils, 0) as pupils,
        judgements.urn is not null as has_judgement,
        coalesce(judgements.is_good_or_outstanding, false) as is_good_or_outstanding,
        judgements.judgement_regime as inspection_regime
    from schools
    left join judgements
        on judgements.urn = schools.urn

),

by_area as (

    select
        'la' as geography_level,
        cast(la_code as varchar) as area_code,
        la_code,
        count(*) as schools_open,
        count(*) filter (where has_judgement) as schools_judged,
        count(*) filter (where is_good_or_outstanding) as schools_good_or_outstanding,
        sum(pupils) filter (where has_judgement) as pupils_in_judged_schools,
        sum(pupils) filter (where is_good_or_outstanding) as pupils_in_good_or_outstanding_schools,
        count(*) filter (where inspection_regime = 'graded') as schools_judged_graded,
        count(*) filter (where inspection_regime = 'ungraded_sub_judgements') as schools_judged_ungraded,
        count(*) filter (where inspection_regime = 'report_card') as schools_judged_report_card
    from school_outcomes
    group by la_code
    union all
    select
        'national',
        'england',
        cast(null as integer),
        count(*),
        count(*) filter (where has_judgement),
        count(*) filter (where is_good_or_outstanding),
        sum(pupils) filter (where has_judgement),
        sum(pupils) filter (where is_good_or_outstanding),
        count(*) filter (where inspection_regime = 'graded'),
        count(*) filter (where inspection_regime = 'ungraded_sub_judgements'),
        count(*) filter (where inspection_regime = 'report_card')
    from school_outcomes

),

-- Percentages are of schools (and pupils) with a judgement; schools never inspected are counted apart.
with_pct as (

    select
        *,
        {{ round_to('100.0 * cast(schools_good_or_outstanding as double precision) / nullif(schools_judged, 0)', 1) }} as schools_good_or_outstanding_pct,
        {{ round_to('100.0 * cast(pupils_in_good_or_outstanding_schools as double precision) / nullif(pupils_in_judged_schools, 0)', 1) }}
            as pupils_good_or_outstanding_pct
    from by_area

),

ranked as (

    select
        with_pct.geography_level,
        with_pct.area_code,
        cast(with_pct.la_code as integer) as la_code,
        regions.la_name,
        regions.region_name,
        cast(with_pct.schools_open as integer) as schools_open,
        cast(with_pct.schools_judged as integer) as schools_judged,
        cast(with_pct.schools_good_or_outstanding as integer) as schools_good_or_outstanding,
        with_pct.schools_good_or_outstanding_pct,
        cast(coalesce(with_pct.pupils_in_judged_schools, 0) as integer) as pupils_in_judged_schools,
        cast(coalesce(with_pct.pupils_in_good_or_outstanding_schools, 0) as integer) as pupils_in_good_or_outstanding_schools,
        with_pct.pupils_good_or_outstanding_pct,
        cast(with_pct.schools_judged_graded as integer) as schools_judged_graded,
        cast(with_pct.schools_judged_ungraded as integer) as schools_judged_ungraded,
        cast(with_pct.schools_judged_report_card as integer) as schools_judged_report_card,
        {%- for measure in ['schools', 'pupils'] %}
        case when with_pct.geography_level = 'la' and with_pct.{{ measure }}_good_or_outstanding_pct is not null
            then cast(rank() over (
                partition by with_pct.geography_level, with_pct.{{ measure }}_good_or_outstanding_pct is null
                order by with_pct.{{ measure }}_good_or_outstanding_pct desc
            ) as integer)
        end as la_rank_{{ measure }}_good_or_outstanding,
        {%- endfor %}
        cast(count(with_pct.pupils_good_or_outstanding_pct) filter (where with_pct.geography_level = 'la') over () as integer)
            as las_ranked,
        definitions.definition_version,
        rule_versions.outcome_rule_version
    from with_pct
    cross join definitions
    cross join rule_versions
    left join regions
        on regions.la_code = with_pct.la_code

),

-- The LA aim: in the top 10% of LAs (rank within the first tenth, rounded up).
final as (

    select
        ranked.*,
        {%- for measure in ['schools', 'pupils'] %}
        case when la_rank_{{ measure }}_good_or_outstanding is not null
            then la_rank_{{ measure }}_good_or_outstanding <= ceil(0.1 * las_ranked)
        end as is_top_decile_{{ measure }}_good_or_outstanding{{ ',' if not loop.last }}
        {%- endfor %}
    from ranked

)

select * from final
