{#- RESTRICTED: each adviser's days and their cost, per term and academic year to date (the service plan's days
    and costs table): planned days are on the school's link adviser, delivered and traded days on whoever recorded
    them. -#}
{{ summarise_service_days('adviser', 'No adviser recorded') }}
