-- Maintained LA schools always get a category; academies never do (keeping-in-touch visit only, SI6).
select urn, governance, categorisation_status, support_category
from {{ ref('fct_school_support_category') }}
where (is_maintained and (categorisation_status <> 'categorised' or support_category is null))
    or (is_academy and (categorisation_status <> 'excluded' or support_category is not null or exclusion_reason is null))
