{#- RESTRICTED: what the service cost by partnership, per term and academic year to date (the service plan's days
    and costs table). A school counts under the partnership the groupings return placed it in that term, so a school
    that moved partnership is costed to each in turn. -#}
{{ summarise_service_days('partnership', 'Not in a partnership') }}
