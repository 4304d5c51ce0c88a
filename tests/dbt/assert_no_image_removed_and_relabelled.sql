{#- R9: one final action per image: nothing is both removed and relabelled. -#}
select removals.image_id
from {{ ref('final_removals') }} as removals
inner join {{ ref('relabels') }} as relabels on removals.image_id = relabels.image_id
