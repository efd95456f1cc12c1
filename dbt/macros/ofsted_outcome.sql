{#- One definition of what an Ofsted inspection says under each regime (seed good_or_outstanding_definitions),
    shared by int_school_good_or_outstanding (the LA headline and categorisation) and int_ofsted_inspection_outcomes
    (the outcome wording of the committee report, the inspection briefing and the booklets).
    The columns are those of stg_ofsted__inspections; `inspection_regime` is the regime from the start date. -#}

{#- Report-card evaluation areas (five-point scale), as the stg_ofsted__inspections columns <area>_grade. -#}
{% macro report_card_areas() -%}
    {{ return(['inclusion', 'curriculum_and_teaching', 'achievement', 'attendance_and_behaviour',
        'personal_development_and_wellbeing', 'early_years', 'post_16_provision', 'leadership_and_governance']) }}
{%- endmacro %}

{#- Report-card grades at expected standard or better (the rest: Needs attention, Urgent improvement). -#}
{% macro report_card_good_grades() -%}
    ('Exceptional', 'Strong standard', 'Expected standard')
{%- endmacro %}

{#- An inspection bears a judgement under its regime: an overall grade (graded), the key sub-judgements
    (ungraded regime), report-card area grades, or a category of concern. Ungraded visits under the graded
    regime, and ungraded inspections from September 2024, confirm and do not change the outcome. -#}
{% macro ofsted_bears_judgement() -%}
    case inspection_regime
        when 'graded' then overall_effectiveness_grade is not null or category_of_concern is not null
        when 'ungraded_sub_judgements' then quality_of_education_grade is not null or category_of_concern is not null
        when 'report_card' then
            coalesce({% for area in report_card_areas() %}{{ area }}_grade{{ ', ' if not loop.last }}{% endfor %}) is not null
            or category_of_concern is not null
        else false
    end
{%- endmacro %}

{#- Good or outstanding (or its equivalent) under the regime's definition; NULL for an inspection that bears no
    judgement under the graded regime without a grade. -#}
{% macro ofsted_is_good_or_outstanding() -%}
    case
        when category_of_concern in ('SM', 'SWK', 'RSI') then false
        when inspection_regime = 'graded' then overall_effectiveness_grade in (1, 2)
        when inspection_regime = 'ungraded_sub_judgements' then
            greatest(quality_of_education_grade, behaviour_and_attitudes_grade, personal_development_grade,
                leadership_and_management_grade) <= 2
            and coalesce(is_safeguarding_effective, false)
        -- Report cards: no area graded 'Needs attention' or 'Urgent improvement' and safeguarding standards met.
        when inspection_regime = 'report_card' then
            coalesce(safeguarding_standards = 'Met', false)
            {%- for area in report_card_areas() %}
            and coalesce({{ area }}_grade, 'Expected standard') in {{ report_card_good_grades() }}
            {%- endfor %}
    end
{%- endmacro %}
