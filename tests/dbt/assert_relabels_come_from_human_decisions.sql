{#- R6/R9: every relabel comes from a reviewers' decided relabel to that class, names a
    valid class and differs from the old label. -#}
select relabels.image_id, relabels.old_class_index, relabels.new_class_index
from {{ ref('relabels') }} as relabels
left join {{ ref('review_decisions') }} as decisions
    on relabels.image_id = decisions.image_id
    and decisions.decision_state = 'decided'
    and decisions.final_action = 'relabel'
    and decisions.final_class_index = relabels.new_class_index
left join {{ ref(var('class_list_seed')) }} as classes
    on relabels.new_class_index = classes.class_index
where decisions.image_id is null
    or classes.class_index is null
    or relabels.new_class_index = relabels.old_class_index
