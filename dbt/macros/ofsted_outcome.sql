{#- The judgement columns of each Ofsted regime, as stg_ofsted__inspections names them. What the judgements mean
    for Table One (outstanding, good, below good, category of concern) is rule data: seed ofsted_outcome_rules,
    applied by int_ofsted_inspection_outcomes. -#}

{#- Report-card evaluation areas (five-point scale), as the stg_ofsted__inspections columns <area>_grade. -#}
{% macro report_card_areas() -%}
    {{ return(['inclusion', 'curriculum_and_teaching', 'achievement', 'attendance_and_behaviour',
        'personal_development_and_wellbeing', 'early_years', 'post_16_provision', 'leadership_and_governance']) }}
{%- endmacro %}

{#- The areas every report card grades; early years and post-16 provision only where the school has them. -#}
{% macro report_card_core_areas() -%}
    {{ return(['inclusion', 'curriculum_and_teaching', 'achievement', 'attendance_and_behaviour',
        'personal_development_and_wellbeing', 'leadership_and_governance']) }}
{%- endmacro %}

{#- The four key judgements (grades 1-4) of the education inspection framework, graded alone from September 2024. -#}
{% macro key_judgements() -%}
    {{ return(['quality_of_education', 'behaviour_and_attitudes', 'personal_development', 'leadership_and_management']) }}
{%- endmacro %}
