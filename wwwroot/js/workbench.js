// The price workbench's keyboard and scrolling: Alt+N for the next item, Enter or Space on the drop zone opens the file
// picker (synchronously, inside the key press, so the browser lets it open), Escape closes the comparison, focus and
// scroll to what comes next.
let registered = null;

export function register(dotnet) {
    unregister();
    registered = (e) => {
        if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === 'n' || e.key === 'N' || e.code === 'KeyN')) {
            e.preventDefault();
            dotnet.invokeMethodAsync('NextItemFromKeyboard');
            return;
        }

        // Escape closes the comparison even when the focus stayed on the row that opened it.
        if (e.key === 'Escape') {
            const close = document.querySelector('[data-testid=compare-close]');
            if (close) {
                e.preventDefault();
                close.click();
                return;
            }
        }

        const zone = e.target instanceof Element ? e.target.closest('[data-testid=drop-zone]') : null;
        if (zone && e.target === zone && (e.key === 'Enter' || e.key === ' ')) {
            e.preventDefault();
            document.querySelector('[data-testid=photo-upload] input[type=file]')?.click();
        }
    };
    document.addEventListener('keydown', registered);
}

export function unregister() {
    if (registered) {
        document.removeEventListener('keydown', registered);
        registered = null;
    }
}

// Focuses the first element matching `selector` (a field's inner input when it is a wrapper); with `reveal`, first scrolls
// the element matching `reveal` to the top of the viewport (the result on a phone, below the form).
export function focus(selector, reveal) {
    if (reveal) {
        document.querySelector(reveal)?.scrollIntoView({ block: 'start', behavior: 'instant' });
    }

    const target = document.querySelector(selector);
    if (!target) {
        return;
    }

    const focusable = target.matches('input, button, textarea, [tabindex]') ? target : target.querySelector('input, button, textarea, [tabindex]');
    (focusable ?? target).focus({ preventScroll: !!reveal });
}
