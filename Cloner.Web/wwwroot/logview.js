// Tells a log panel whether its view is at the bottom, so it follows new lines only then.
const slack = 32;

export function watch(element, panel) {
    let following = true;
    element.addEventListener('scroll', () => {
        const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight < slack;
        if (atEnd !== following) {
            following = atEnd;
            panel.invokeMethodAsync('OnFollowChanged', atEnd);
        }
    }, { passive: true });
}

export function toEnd(element) {
    element.scrollTop = element.scrollHeight;
}
