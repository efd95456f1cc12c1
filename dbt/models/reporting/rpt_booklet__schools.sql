{#- The schools that get a desk-top analysis (SI7 of the service specification: one 'for each school'): every open
    LA-maintained school gets an Achievement and Target Setting Booklet; every open academy gets what the LA chose
    with the var academy_desktop_analysis (SI_ACADEMY_DESKTOP_ANALYSIS): the shorter academy profile ('profile', the
    default), the full booklet ('booklet'), or nothing ('none'); the seed desktop_analysis_documents holds the rule.
    Each school comes with its context (GIAS) and its current Ofsted outcome (fct_school_latest_ofsted: the latest
    inspection in any regime, the same one the booklet's inspection history lists first). Nursery schools have no
    KS2 or KS4 results, so a document of attainment would be empty: they get none. -#}
{%- set academy_setting = var('academy_desktop_analysis') -%}
{%- if academy_setting not in ('profile', 'booklet', 'none') -%}
    {{ exceptions.raise_compiler_error(
        "rpt_booklet__schools: the var academy_desktop_analysis (SI_ACADEMY_DESKTOP_ANALYSIS) must be profile, "
        ~ "booklet or none, got '" ~ academy_setting ~ "'"
    ) }}
{%- endif %}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_service_school
        and is_open
        and phase <> 'nursery'

),

documents as (

    select * from {{ ref('desktop_analysis_documents') }}
    where academy_desktop_analysis = '{{ academy_setting }}'

),

latest_ofsted as (

    select * from {{ ref('fct_school_latest_ofsted') }}

),

final as (

    select
        schools.urn,
        schools.laestab,
        schools.la_code,
        schools.la_name,
        schools.school_name,
        schools.type_of_establishment,
        schools.phase,
        schools.phase_of_education,
        schools.statutory_low_age,
        schools.statutory_high_age,
        schools.number_of_pupils,
        schools.predecessor_urns,
        schools.governance,
        documents.document,
        documents.document_name,
        latest_ofsted.latest_outcome_label
        || case
            when latest_ofsted.judgement_inspection_number <> latest_ofsted.inspection_number
                then ' (confirming ' || latest_ofsted.judgement_outcome_label
                    || coalesce(', published ' || {{ date_words('latest_ofsted.judgement_publication_date') }}, '') || ')'
            else ''
        end
        || case when latest_ofsted.is_inherited_from_predecessor then ' - an inspection of the predecessor school' else '' end
            as latest_ofsted_label,
        latest_ofsted.publication_date as latest_ofsted_publication_date,
        latest_ofsted.inspection_number as latest_ofsted_inspection_number
    from schools
    inner join documents
        on documents.governance = schools.governance
    left join latest_ofsted
        on latest_ofsted.urn = schools.urn

)

select * from final
